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
	// DefaultConcurrency is how many async handlers run at once when
	// AsyncConfig.Concurrency is zero. Handlers mostly wait on the network
	// (a send to the provider takes 50 to 300 ms), so the bound is set for
	// waiting, not for cores: 16 handlers of 20 ms each cap a bot at
	// 800 updates a second, 128 at 6400.
	DefaultConcurrency = 128
	// DefaultQueueWait is how long a webhook waits for room in a full async
	// queue before it is answered 503 (AsyncConfig.QueueWait).
	DefaultQueueWait = time.Second
	// DefaultMaxAttempts is how many times async delivery handles an update
	// whose handling fails retryably before it dead letters it
	// (AsyncConfig.MaxAttempts).
	DefaultMaxAttempts = 5
	// DefaultMinRetryWait and DefaultMaxRetryWait bound the wait between two
	// attempts of an update in async delivery: the first wait is about the
	// minimum, each further one doubles, up to the maximum.
	DefaultMinRetryWait = time.Second
	DefaultMaxRetryWait = 30 * time.Second
	// DefaultMaxDocumentSize caps a downloaded .vcf document: 1 MiB.
	DefaultMaxDocumentSize = 1 << 20
)

// AsyncConfig configures async delivery (WithAsync).
type AsyncConfig struct {
	// Queue stores the updates between the webhook and their handling. The
	// default is store.NewMemoryQueue(QueueSize, QueueWait): what it holds is
	// lost when the process dies. A durable Queue (boltstore, redisstore)
	// keeps every update the webhook acknowledged until it was handled.
	Queue store.Queue

	// QueueSize bounds the updates held in memory, taken from the queue and
	// not yet handled, over all chats; it also sizes the default
	// store.MemoryQueue, past which Dispatch returns store.ErrQueueFull.
	// store.DefaultQueueSize when zero or less.
	QueueSize int

	// Concurrency bounds the handlers running at once, over all chats;
	// updates of one chat never run at the same time. DefaultConcurrency
	// when zero or less.
	Concurrency int

	// QueueWait is how long Dispatch waits for room when the default
	// store.MemoryQueue is full, before it gives store.ErrQueueFull: a burst a little
	// over the queue is absorbed instead of answered 503, which GREEN-API
	// redelivers only a minute later. The wait also ends with the webhook
	// request and with Shutdown giving up. DefaultQueueWait when zero; a
	// negative QueueWait answers a full queue at once.
	QueueWait time.Duration

	// MaxAttempts is how many times an update whose handling fails
	// retryably (IsRetryable) is handled before it goes to the queue's dead
	// letters; the later updates of its chat wait meanwhile.
	// DefaultMaxAttempts when zero; a negative MaxAttempts handles each
	// update once.
	MaxAttempts int

	// MinRetryWait and MaxRetryWait bound the wait between two attempts
	// (DefaultMinRetryWait, DefaultMaxRetryWait when zero or less).
	MinRetryWait, MaxRetryWait time.Duration
}

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

// WithAsync turns async delivery on: Dispatch stores the update in the
// queue and returns; workers that Bot.Start (or the first Dispatch)
// starts handle it. See Bot.Dispatch. An async bot must be stopped with
// Shutdown, which stops its goroutines.
func WithAsync(cfg AsyncConfig) Option {
	return func(b *Bot) {
		if cfg.QueueSize <= 0 {
			cfg.QueueSize = store.DefaultQueueSize
		}
		if cfg.Concurrency <= 0 {
			cfg.Concurrency = DefaultConcurrency
		}
		switch {
		case cfg.QueueWait == 0:
			cfg.QueueWait = DefaultQueueWait
		case cfg.QueueWait < 0:
			cfg.QueueWait = 0
		}
		switch {
		case cfg.MaxAttempts == 0:
			cfg.MaxAttempts = DefaultMaxAttempts
		case cfg.MaxAttempts < 0:
			cfg.MaxAttempts = 1
		}
		if cfg.MinRetryWait <= 0 {
			cfg.MinRetryWait = DefaultMinRetryWait
		}
		if cfg.MaxRetryWait <= 0 {
			cfg.MaxRetryWait = DefaultMaxRetryWait
		}
		cfg.MaxRetryWait = max(cfg.MaxRetryWait, cfg.MinRetryWait)
		b.async = &cfg
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
