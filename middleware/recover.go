package middleware

import (
	"runtime"

	"github.com/cardbot/cardbot"
)

// RecoverConfig configures Recover.
type RecoverConfig struct {
	// Skipper skips the middleware. Optional. Default DefaultSkipper.
	Skipper Skipper

	// StackSize is how many bytes of the stack the error keeps. Optional.
	// Default 4 KiB.
	StackSize int

	// AllStacks keeps the stacks of all goroutines, not only the one that
	// panicked. Optional. Default false.
	AllStacks bool
}

// DefaultRecoverConfig is the config of Recover.
var DefaultRecoverConfig = RecoverConfig{
	Skipper:   DefaultSkipper,
	StackSize: 4 << 10,
}

// Recover returns a middleware that turns a panic of the handlers it wraps
// into a *cardbot.PanicError returned as their error, whatever the panic
// value is. The dispatcher recovers panics anyway; Recover lets the
// middlewares outside it (a Logger) see the panic as an error.
func Recover() cardbot.MiddlewareFunc {
	return RecoverWithConfig(DefaultRecoverConfig)
}

// RecoverWithConfig returns Recover with cfg.
func RecoverWithConfig(cfg RecoverConfig) cardbot.MiddlewareFunc {
	if cfg.Skipper == nil {
		cfg.Skipper = DefaultRecoverConfig.Skipper
	}
	if cfg.StackSize <= 0 {
		cfg.StackSize = DefaultRecoverConfig.StackSize
	}
	return func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) (err error) {
			if cfg.Skipper(c) {
				return next(c)
			}
			defer func() {
				if v := recover(); v != nil {
					stack := make([]byte, cfg.StackSize)
					stack = stack[:runtime.Stack(stack, cfg.AllStacks)]
					err = &cardbot.PanicError{Value: v, Stack: stack}
				}
			}()
			return next(c)
		}
	}
}
