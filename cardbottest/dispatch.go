package cardbottest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/cardbot/cardbot"
)

// NewBot returns a bot that logs nothing, with opts; later options win,
// so a WithLogger among them is used.
func NewBot(opts ...cardbot.Option) *cardbot.Bot {
	return cardbot.New(append([]cardbot.Option{cardbot.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
}

// Dispatch hands u to b as delivered by p, and returns what b sent through
// p meanwhile, with Dispatch's error. b must handle updates in sync mode
// (the default): an async bot's Dispatch returns before the handling, and
// what it sends comes later. Sends through p by others meanwhile count too.
func Dispatch(ctx context.Context, b *cardbot.Bot, p *Provider, u cardbot.Update) ([]Sent, error) {
	before := len(p.Sent())
	err := b.Dispatch(ctx, p, u)
	return p.Sent()[before:], err
}

// Handle runs h on u, delivered by p, in a new bot made with opts (sync
// mode, logging nothing), and returns what h sent and its error (a panic
// comes back as a *cardbot.PanicError).
func Handle(ctx context.Context, h cardbot.HandlerFunc, p *Provider, u cardbot.Update, opts ...cardbot.Option) ([]Sent, error) {
	b := NewBot(opts...)
	b.Handle(cardbot.OnAny, h)
	return Dispatch(ctx, b, p, u)
}

// NewContext returns the *cardbot.Context of a handling of u delivered by
// p, for a unit test of a handler, a middleware or a provider that calls
// what a handler does (Reply, Contacts, SendFile) directly. A nil p is
// a new Provider.
//
// It is made by a real bot built with opts (logging nothing): the bot
// dispatches u to a handler that keeps its Context, so routing, the
// bot's options and the provider's optional interfaces act as in
// production. The handling is over when NewContext returns; the Context
// then runs on t's context (t.Context), and what it does is no longer kept
// in the bot's state or send ledger. The handler sees u only when the bot
// would run OnAny for it: a duplicate (same Key as an update the bot
// already handled, through a dedup store given in opts) fails the test,
// and so does a bot in async mode (delivery.WithAsync), whose Dispatch returns
// before the handling.
func NewContext(t testing.TB, p cardbot.Provider, u cardbot.Update, opts ...cardbot.Option) *cardbot.Context {
	t.Helper()
	if p == nil {
		p = NewProvider("")
	}
	b := NewBot(opts...)
	handled := make(chan *cardbot.Context, 1)
	b.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
		select {
		case handled <- c:
		default: // a second handling: not ours
		}
		return nil
	})
	if err := b.Dispatch(t.Context(), p, u); err != nil {
		t.Fatalf("cardbottest: dispatch of the update: %v", err)
	}
	select {
	case c := <-handled:
		c.SetContext(t.Context())
		return c
	default:
		t.Fatalf("cardbottest: the bot did not hand the update to a handler")
		return nil
	}
}
