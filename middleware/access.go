package middleware

import (
	"github.com/cardbot/cardbot"
)

// AccessConfig configures an access list: AccessWithConfig, and the
// shorthands Allow, Deny, AllowSenders and DenySenders.
type AccessConfig struct {
	// Skipper skips the middleware. Optional. Default DefaultSkipper.
	Skipper Skipper

	// Deny makes the lists a deny list: listed chats and senders are
	// refused and the rest pass. Without it they are an allow list: only
	// listed chats and senders pass. Optional. Default false.
	Deny bool

	// Chats are chat ids (Update.Chat.ID).
	Chats []string

	// Senders are sender ids or phone numbers (Update.Sender.ID or
	// Update.Sender.Phone).
	Senders []string

	// DenyHandler runs instead of the handler for a refused update; its
	// result is the handling's result. Optional. Default: drop the update
	// silently (return nil, so the provider does not deliver it again).
	DenyHandler cardbot.HandlerFunc
}

// DefaultAccessConfig is the config the shorthands start from.
var DefaultAccessConfig = AccessConfig{
	Skipper: DefaultSkipper,
}

// Allow returns a middleware that lets only the updates of the given chats
// reach the handlers it wraps, and drops the rest.
func Allow(chatIDs ...string) cardbot.MiddlewareFunc {
	cfg := DefaultAccessConfig
	cfg.Chats = chatIDs
	return AccessWithConfig(cfg)
}

// Deny returns a middleware that drops the updates of the given chats.
func Deny(chatIDs ...string) cardbot.MiddlewareFunc {
	cfg := DefaultAccessConfig
	cfg.Deny, cfg.Chats = true, chatIDs
	return AccessWithConfig(cfg)
}

// AllowSenders returns a middleware that lets only the updates of the given
// senders (ids or phone numbers) reach the handlers it wraps.
func AllowSenders(ids ...string) cardbot.MiddlewareFunc {
	cfg := DefaultAccessConfig
	cfg.Senders = ids
	return AccessWithConfig(cfg)
}

// DenySenders returns a middleware that drops the updates of the given
// senders (ids or phone numbers).
func DenySenders(ids ...string) cardbot.MiddlewareFunc {
	cfg := DefaultAccessConfig
	cfg.Deny, cfg.Senders = true, ids
	return AccessWithConfig(cfg)
}

// AccessWithConfig returns an access list middleware. An update is listed
// when its chat is in cfg.Chats or its sender in cfg.Senders. An allow
// list with no entries refuses everything.
func AccessWithConfig(cfg AccessConfig) cardbot.MiddlewareFunc {
	if cfg.Skipper == nil {
		cfg.Skipper = DefaultAccessConfig.Skipper
	}
	deny := cfg.DenyHandler
	if deny == nil {
		deny = func(*cardbot.Context) error { return nil }
	}
	chats, senders := set(cfg.Chats), set(cfg.Senders)
	listed := func(c *cardbot.Context) bool {
		u := c.Update()
		if _, ok := chats[u.Chat.ID]; ok && u.Chat.ID != "" {
			return true
		}
		if _, ok := senders[u.Sender.ID]; ok && u.Sender.ID != "" {
			return true
		}
		_, ok := senders[u.Sender.Phone]
		return ok && u.Sender.Phone != ""
	}
	return func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
		return func(c *cardbot.Context) error {
			if cfg.Skipper(c) || listed(c) != cfg.Deny {
				return next(c)
			}
			return deny(c)
		}
	}
}

func set(xs []string) map[string]struct{} {
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		m[x] = struct{}{}
	}
	return m
}
