// Package middleware holds bot-level middlewares for cardbot: Recover,
// Logger, access lists (Allow, Deny), RateLimit and Timeout.
//
// Each follows echo's conventions: a config struct XConfig whose first
// field is a Skipper, its defaults in DefaultXConfig, X() for the defaults
// and XWithConfig(cfg) for the rest. XWithConfig panics on a config that
// can only be a mistake, like cardbot's registration does.
//
//	b := cardbot.New()
//	b.Use(
//		middleware.Recover(),
//		middleware.Logger(),
//		middleware.RateLimit(1, 5),
//	)
//	admin := b.Group(middleware.AllowSenders("79001234567@c.us"))
//	admin.Handle(cardbot.Command("stats"), stats)
package middleware

import "github.com/cardbot/cardbot"

// Skipper reports whether a middleware should let the update pass to its
// handler untouched.
type Skipper func(c *cardbot.Context) bool

// DefaultSkipper skips nothing.
func DefaultSkipper(*cardbot.Context) bool { return false }
