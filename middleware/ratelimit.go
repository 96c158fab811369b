package middleware

import (
	"errors"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/cardbot/cardbot"
)

// ErrRateLimited is the error of an update refused by RateLimit. It is not
// retryable: a redelivery would only add to the flood.
var ErrRateLimited = errors.New("middleware: rate limited")

// RateLimitConfig configures RateLimit.
type RateLimitConfig struct {
	// Skipper skips the middleware. Optional. Default DefaultSkipper.
	Skipper Skipper

	// Limit is the sustained rate of updates per key, per second.
	// Optional. Default 1.
	Limit rate.Limit

	// Burst is how many updates of a key may come at once. Optional.
	// Default 5.
	Burst int

	// KeyFunc returns the key whose limiter an update draws from; an empty
	// key is not limited. Optional. Default ChatKey; SenderKey limits per
	// sender.
	KeyFunc func(c *cardbot.Context) string

	// MaxKeys bounds the limiters kept; the least recently used go first.
	// Optional. Default 10 000.
	MaxKeys int

	// DenyHandler runs instead of the handler for a refused update; its
	// result is the handling's result. Optional. Default: return an error
	// that wraps ErrRateLimited and names the key.
	DenyHandler func(c *cardbot.Context, key string) error
}

// DefaultRateLimitConfig is the config of RateLimit with the default rate.
var DefaultRateLimitConfig = RateLimitConfig{
	Skipper: DefaultSkipper,
	Limit:   1,
	Burst:   5,
	KeyFunc: ChatKey,
	MaxKeys: 10_000,
}

// ChatKey is the provider and chat of what a user did: a message, or an
// edit, deletion, reaction or poll vote (every update with a Message); ""
// for other updates, so that status and system events are not limited.
func ChatKey(c *cardbot.Context) string {
	u := c.Update()
	if u.Message == nil || u.Chat.ID == "" {
		return ""
	}
	return u.Provider + "\x00" + u.Chat.ID
}

// SenderKey is the provider and sender of what a user did, as ChatKey
// counts it; "" for other updates.
func SenderKey(c *cardbot.Context) string {
	u := c.Update()
	if u.Message == nil || u.Sender.ID == "" {
		return ""
	}
	return u.Provider + "\x00" + u.Sender.ID
}

// RateLimit returns a middleware that lets limit updates per second and
// bursts of burst through per chat (golang.org/x/time/rate), and refuses
// the rest with ErrRateLimited.
func RateLimit(limit rate.Limit, burst int) cardbot.MiddlewareFunc {
	cfg := DefaultRateLimitConfig
	cfg.Limit, cfg.Burst = limit, burst
	return RateLimitWithConfig(cfg)
}

// RateLimitWithConfig returns RateLimit with cfg. Each call has limiters
// of its own. It panics on a negative Limit or Burst.
func RateLimitWithConfig(cfg RateLimitConfig) cardbot.MiddlewareFunc {
	if cfg.Limit < 0 || cfg.Burst < 0 {
		panic("middleware: RateLimit with a negative limit or burst")
	}
	d := DefaultRateLimitConfig
	if cfg.Skipper == nil {
		cfg.Skipper = d.Skipper
	}
	if cfg.Limit == 0 {
		cfg.Limit = d.Limit
	}
	if cfg.Burst == 0 {
		cfg.Burst = d.Burst
	}
	if cfg.KeyFunc == nil {
		cfg.KeyFunc = d.KeyFunc
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = d.MaxKeys
	}
	if cfg.DenyHandler == nil {
		cfg.DenyHandler = func(_ *cardbot.Context, key string) error {
			return fmt.Errorf("%w: %q", ErrRateLimited, key)
		}
	}
	limiters, _ := lru.New[string, *rate.Limiter](cfg.MaxKeys) // fails only for a size <= 0, excluded above
	limiter := func(key string) *rate.Limiter {
		if l, ok := limiters.Get(key); ok {
			return l
		}
		l := rate.NewLimiter(cfg.Limit, cfg.Burst)
		if prev, ok, _ := limiters.PeekOrAdd(key, l); ok {
			return prev
		}
		return l
	}
	return func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error {
			if cfg.Skipper(c) {
				return next(c)
			}
			key := cfg.KeyFunc(c)
			if key == "" || limiter(key).Allow() {
				return next(c)
			}
			return cfg.DenyHandler(c, key)
		}
	}
}
