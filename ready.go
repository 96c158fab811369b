package cardbot

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// Pinger is a store or a provider that can say whether it answers. The
// stores of package store and the providers implement it; Bot.Ready asks
// them.
type Pinger interface {
	// Ping returns nil when the store or the provider answers, within
	// ctx.
	Ping(ctx context.Context) error
}

// ErrNotReady is wrapped by the error of Bot.Ready.
var ErrNotReady = errors.New("cardbot: not ready")

// Ready reports whether the bot can take updates now: it is not shutting
// down, and its async queue, its dedup store and its providers answer,
// those of them that are Pingers, asked one after another within ctx. It
// returns nil when all do, else an error that wraps ErrNotReady and each
// failure, naming what failed ("queue", "dedup store", "provider aitu").
// A readiness probe (webhook.Server's /readyz) calls it.
func (b *Bot) Ready(ctx context.Context) error {
	b.life.mu.Lock()
	closing := b.life.closing
	b.life.mu.Unlock()
	if closing {
		return fmt.Errorf("%w: %w", ErrNotReady, ErrShuttingDown)
	}
	type part struct {
		name string
		p    Pinger
	}
	var parts []part
	if b.eng != nil {
		if p, ok := b.eng.q.(Pinger); ok {
			parts = append(parts, part{"queue", p})
		}
	} else if p, ok := b.dedup.(Pinger); ok {
		parts = append(parts, part{"dedup store", p})
	}
	b.mu.RLock()
	names := make([]string, 0, len(b.providers))
	for name := range b.providers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if p, ok := b.providers[name].(Pinger); ok {
			parts = append(parts, part{"provider " + name, p})
		}
	}
	b.mu.RUnlock()
	var errs []error
	for _, pt := range parts {
		if err := pt.p.Ping(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", pt.name, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrNotReady, errors.Join(errs...))
	}
	return nil
}
