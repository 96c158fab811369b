package cardbot

import (
	"context"
	"log/slog"
)

// Engine is async delivery, as the bot sees it: Dispatch pushes each
// update to it, and it handles the update later, through the EngineHost it
// was made with. Install one with WithEngine; package
// github.com/cardbot/cardbot/delivery provides the engine (delivery.WithAsync),
// with per-chat order, bounded concurrency, retries and dead letters over a
// store.Queue.
//
// An Engine may also be a store.Pinger (Bot.Ready asks it as the
// component "queue", instead of the dedup store), a DepthReporter
// (Bot.Gauges), and a store.LedgerSource (New takes its send ledger when
// WithSendLedger is not given).
type Engine interface {
	// Start starts the engine's goroutines, once; Dispatch calls it before
	// each push, and Bot.Start calls it. It returns nil when they run, and
	// ErrShuttingDown once Shutdown began.
	Start() error

	// Push stores u, to be handled later; a nil error means the provider
	// may be answered 200. It returns nil for an update pushed before (a
	// duplicate), and a retryable error when u may not be stored (the
	// webhook answers 503). The engine may keep u.
	Push(ctx context.Context, u *Update) error

	// Shutdown stops taking work and waits until what was pushed is
	// handled (or kept by a durable queue for the next start); when ctx
	// ends first it gives up as Drop does and returns ctx.Err(). Bot.Shutdown
	// calls it once no Dispatch runs.
	Shutdown(ctx context.Context) error

	// Drop gives up at once: nothing more is handled, and what is held is
	// given back to the queue. Bot.Shutdown calls it when its ctx ends
	// while Dispatch calls still run.
	Drop()
}

// DepthReporter is an Engine that says how many updates it holds (taken
// from its queue and not done): Gauges.QueueDepth.
type DepthReporter interface {
	QueueDepth() int
}

// EngineHost is the bot as its Engine sees it: what the engine may ask of
// it. WithEngine hands it to the function that makes the engine.
type EngineHost interface {
	// Provider returns the registered provider of that name: the one an
	// update names, to handle it through.
	Provider(name string) (Provider, bool)

	// Logger returns the bot's logger.
	Logger() *slog.Logger

	// Observe tells the bot's observer o, when it has one.
	Observe(o Observation)

	// Handle runs one handling of u, delivered by p: middlewares, route
	// and handler, with conversation state, as Dispatch does in sync
	// mode, and returns the handler's error. A failure that is not
	// retryable (and a panic) was reported to the error handler already; a
	// retryable one was not: the engine retries it, and reports it with
	// Report when it gives up. ctx is the delivery's ownership: when it
	// ends (a shared queue gave the update's partition to another
	// consumer) the handling is cancelled and saves no state; its values
	// do not reach the handler. forget, when not nil, deletes the sends
	// recorded in the send ledger for u: the engine calls it once u is
	// handled for good (acknowledged), the forget of the last handling
	// that returned one.
	Handle(ctx context.Context, p Provider, u *Update) (forget func(), err error)

	// Report hands err, the failure of u's handling that the engine gave
	// up on (dead lettered), to the bot's error handler. p may be nil.
	Report(p Provider, u *Update, err error)
}

// WithEngine turns async delivery on with the engine that newEngine makes
// for the bot; New calls newEngine once, after the other options. See
// Engine. Use the engine of package delivery: delivery.WithAsync(cfg) is
// WithEngine with it. A nil newEngine, or one that returns nil, keeps the
// bot sync.
func WithEngine(newEngine func(EngineHost) Engine) Option {
	return func(b *Bot) { b.newEngine = newEngine }
}

// engineHost is the EngineHost of a bot.
type engineHost struct{ b *Bot }

func (h engineHost) Provider(name string) (Provider, bool) { return h.b.Provider(name) }

func (h engineHost) Logger() *slog.Logger { return h.b.logger }

func (h engineHost) Observe(o Observation) { h.b.observe(o) }

func (h engineHost) Handle(ctx context.Context, p Provider, u *Update) (func(), error) {
	sent, err := h.b.run(ctx, p, u, true)
	if sent == "" {
		return nil, err
	}
	return func() { h.b.forgetSends(u, sent) }, err
}

func (h engineHost) Report(p Provider, u *Update, err error) {
	h.b.report(newContext(context.Background(), h.b, p, u), err)
}
