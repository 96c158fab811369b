package middleware

import (
	"context"
	"time"

	"github.com/cardbot/cardbot"
)

// TimeoutConfig configures Timeout.
type TimeoutConfig struct {
	// Skipper skips the middleware. Optional. Default DefaultSkipper.
	Skipper Skipper

	// Timeout is how long the handler may take. Required by
	// TimeoutWithConfig: it panics when Timeout is not positive.
	// DefaultTimeoutConfig has 30 s.
	Timeout time.Duration
}

// DefaultTimeoutConfig is the config of Timeout with the default duration.
var DefaultTimeoutConfig = TimeoutConfig{
	Skipper: DefaultSkipper,
	Timeout: 30 * time.Second,
}

// Timeout returns a middleware that gives the handlers it wraps a
// context.Context (Context.Context) cancelled after d. Handlers must watch
// it; provider sends do. The middleware does not stop a handler that
// ignores it. For one timeout over every update, cardbot.WithHandlerTimeout
// does the same; Timeout suits a group or a single handler. It panics when
// d is not positive.
func Timeout(d time.Duration) cardbot.MiddlewareFunc {
	cfg := DefaultTimeoutConfig
	cfg.Timeout = d
	return TimeoutWithConfig(cfg)
}

// TimeoutWithConfig returns Timeout with cfg. It panics when cfg.Timeout
// is not positive.
func TimeoutWithConfig(cfg TimeoutConfig) cardbot.MiddlewareFunc {
	if cfg.Skipper == nil {
		cfg.Skipper = DefaultTimeoutConfig.Skipper
	}
	if cfg.Timeout <= 0 {
		panic("middleware: Timeout needs a positive duration")
	}
	return func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error {
			if cfg.Skipper(c) {
				return next(c)
			}
			parent := c.Context()
			ctx, cancel := context.WithTimeout(parent, cfg.Timeout)
			defer cancel()
			c.SetContext(ctx)
			defer c.SetContext(parent)
			return next(c)
		}
	}
}
