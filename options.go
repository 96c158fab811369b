package cardbot

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/store"
)

// Option configures a Bot in New. Options panic on arguments that can only
// be programming mistakes (a nil provider, two providers of one name, a
// region that does not exist), like Handle does; everything else falls
// back to the documented default.
type Option func(*Bot)

// Defaults of New.
const (
	// DefaultMaxDocumentSize caps a downloaded .vcf document: 1 MiB.
	DefaultMaxDocumentSize = 1 << 20
)

// WithLogger sets the logger of the bot's own messages and of the default
// error handler. The default is slog.Default(); pass
// slog.New(slog.DiscardHandler) to silence the bot. A nil logger keeps the
// default.
func WithLogger(l *slog.Logger) Option {
	return func(b *Bot) {
		if l != nil {
			b.logger = l
		}
	}
}

// WithErrorHandler sets the function that receives the errors of handlers
// no caller will see: in sync mode the errors that are not retryable
// (IsRetryable false) and recovered panics (*PanicError); in async mode
// every handler error. The default logs them at level Error. A nil f keeps
// the default.
func WithErrorHandler(f func(c *Context, err error)) Option {
	return func(b *Bot) {
		if f != nil {
			b.onError = f
		}
	}
}

// WithHandlerTimeout bounds the time of each update's handling: the
// Context's context.Context is cancelled d after the handling started.
// Handlers must watch it (every provider Send does). Zero, the default,
// means no timeout.
func WithHandlerTimeout(d time.Duration) Option {
	return func(b *Bot) {
		if d > 0 {
			b.timeout = d
		}
	}
}

// WithDedupStore sets the store of dedup keys of sync delivery. The
// default is store.NewMemoryDedupStore(store.MemoryDedupConfig{}); use a
// shared store when several processes receive the same webhooks. Async
// delivery deduplicates in its Queue instead. A nil store keeps the
// default.
func WithDedupStore(s store.DedupStore) Option {
	return func(b *Bot) {
		if s != nil {
			b.dedup = s
		}
	}
}

// WithProviders registers providers, like Bot.AddProvider, so that
// Bot.Send can reach their chats. It panics on a nil provider or a name
// already registered.
func WithProviders(ps ...Provider) Option {
	return func(b *Bot) {
		for _, p := range ps {
			if err := b.AddProvider(p); err != nil {
				panic(err.Error())
			}
		}
	}
}

// WithDefaultRegion sets the ISO 3166 region ("RU", "KZ") in which
// Context.Contacts reads national phone numbers when the provider gives no
// region (RegionHinter). The default is contactcard's (RU). Like a
// provider registered twice, a region contactcard does not know ("XX")
// is a programmer's error: New panics with contactcard.CheckRegion's
// words, rather than every number failing later. Check a region that
// comes from configuration with contactcard.CheckRegion first.
func WithDefaultRegion(region string) Option {
	return func(b *Bot) {
		if err := contactcard.CheckRegion(region); err != nil {
			panic(fmt.Sprintf("cardbot: WithDefaultRegion: %v", err))
		}
		b.region = region
	}
}

// WithMaxDocumentSize caps the size of a .vcf document Context.Contacts
// downloads; over it, Contacts fails with ErrDocumentTooLarge.
// DefaultMaxDocumentSize (1 MiB) when n is zero or less.
func WithMaxDocumentSize(n int64) Option {
	return func(b *Bot) {
		if n > 0 {
			b.maxDoc = n
		}
	}
}

// WithObserver sets the observer the bot tells what it does (see
// Observer), for metrics. A nil observer, the default, costs nothing.
func WithObserver(o Observer) Option {
	return func(b *Bot) { b.observer = o }
}

// WithTracer sets the tracer that starts the spans of the bot's work (see
// Tracer). A nil tracer, the default, costs nothing.
func WithTracer(t Tracer) Option {
	return func(b *Bot) { b.tracer = t }
}

func dupProvider(name string) error {
	return fmt.Errorf("cardbot: provider %q is already registered", name)
}
