package main

import (
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/examples/echobot/handlers"
)

// The bot under load is examples/echobot's: the same handlers.

// register adds the echobot's handlers to b, behind a middleware that
// makes each handling last at least latency.
func register(b *cardbot.Bot, latency time.Duration) {
	if latency > 0 {
		b.Use(func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
			return func(c *cardbot.Context) error {
				t := time.NewTimer(latency)
				defer t.Stop()
				select {
				case <-t.C:
				case <-c.Context().Done():
					return c.Context().Err()
				}
				return next(c)
			}
		})
	}
	handlers.Register(b)
}
