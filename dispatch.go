package cardbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cardbot/cardbot/store"
)

// Dispatcher takes the updates providers deliver; *Bot is one. The webhook
// receiver and the pollers hand their updates to a Dispatcher, so that a
// wrapper or a test can stand in for the bot.
type Dispatcher interface {
	Dispatch(ctx context.Context, p Provider, u Update) error
}

var _ Dispatcher = (*Bot)(nil)

// Dispatch handles one update that p delivered: the entry point of the
// webhook receiver and of pollers. In sync mode (the default) it
// deduplicates the update by its provider and Key, then runs the
// middlewares and the handler and returns the handler's error. In async
// mode (an Engine: delivery.WithAsync) it pushes the update to the
// engine's queue and returns nil once the queue stored it; the engine's
// workers handle it later.
//
// It returns nil for a delivery of an update already handled (or, in async
// mode, already queued), and store.ErrInFlight while one is being handled. In
// sync mode it returns the handler's error, a panic as a *PanicError,
// store.ErrStateConflict or ErrChatBusy with conversation state, or a retryable
// error that wraps a failing store's (dedup, state, lock). In async mode a
// failed push gives a retryable error (store.ErrQueueFull, store.ErrInFlight,
// ErrShuttingDown, or the queue's error made Retryable). It returns
// ErrShuttingDown once Shutdown began. The caller answers the provider by
// IsRetryable(err): retryable (503) so the provider delivers the update
// again, or not (200).
//
// See Delivery in the package documentation for the delivery modes, the
// order of updates, conversation conflicts, and what the send ledger
// guarantees.
func (b *Bot) Dispatch(ctx context.Context, p Provider, u Update) (err error) {
	if p == nil {
		return errors.New("cardbot: Dispatch with a nil Provider")
	}
	if u.Provider == "" {
		u.Provider = p.Name()
	}
	if b.tracer != nil {
		var end func(error)
		ctx, end = b.tracer.StartReceive(ctx, &u)
		defer func() { end(err) }()
	}
	if !b.life.enter() {
		return ErrShuttingDown
	}
	defer b.life.leave()
	b.observe(Observation{Kind: ObsReceived, Provider: u.Provider, UpdateKind: u.Kind})
	if b.eng != nil {
		b.remember(p)
		if err := b.eng.Start(); err != nil {
			return err
		}
		if b.tracer != nil && u.Trace == nil {
			u.Trace = b.tracer.Inject(ctx)
		}
		return b.eng.Push(ctx, &u)
	}
	var key string
	if u.Key != "" {
		key = u.Provider + "\x00" + u.Key
		st, err := b.dedup.Begin(ctx, key)
		if err != nil {
			return Retryable(fmt.Errorf("cardbot: dedup store: %w", err))
		}
		switch st {
		case store.DedupDone:
			b.observe(Observation{Kind: ObsDeduplicated, Provider: u.Provider, UpdateKind: u.Kind})
			return nil
		case store.DedupInFlight:
			return store.ErrInFlight
		}
	}
	sent, err := b.run(ctx, p, &u, false)
	b.endKey(ctx, key, err == nil)
	if sent != "" && !IsRetryable(err) {
		b.forgetSends(&u, sent) // handled for good: no redelivery comes
	}
	return err
}

// remember registers p under its name when no provider has it, so that
// the workers find the provider of a queued update.
func (b *Bot) remember(p Provider) {
	b.mu.RLock()
	_, ok := b.providers[p.Name()]
	b.mu.RUnlock()
	if !ok {
		_ = b.AddProvider(p) // registered meanwhile: fine
	}
}

// endKey ends the in-flight mark of a dedup key.
func (b *Bot) endKey(ctx context.Context, key string, handled bool) {
	if key == "" {
		return
	}
	if err := b.dedup.End(context.WithoutCancel(ctx), key, handled); err != nil {
		b.logger.LogAttrs(ctx, slog.LevelWarn, "cardbot: dedup store failed", slog.Any("error", err))
	}
}

// run routes u and runs its chain, recovering panics, and reports the
// error, and the update's ledger key when it has sends in the send
// ledger ("" when not).
func (b *Bot) run(ctx context.Context, p Provider, u *Update, async bool) (sent string, err error) {
	c := &Context{bot: b, provider: p, update: u}
	owned := context.Background() // what a state save needs: see stateKeeper.serve
	if async {
		owned = ctx
		if ctx.Done() != nil {
			c.lease = ctx // see Context.sendContext
		}
	}
	if b.tracer != nil {
		var end func(string, error)
		ctx, end = b.tracer.StartHandle(ctx, u)
		defer func() { end(c.route, err) }()
	}
	if ctx.Done() == nil && b.timeout <= 0 {
		// Nothing but Shutdown can cancel the handling: the lifecycle's
		// context, with ctx's values, will do, at no cost per update.
		c.life = lifeContext{Context: b.life.base, values: ctx}
		c.ctx = &c.life
	} else {
		var cancel context.CancelFunc
		if b.timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, b.timeout)
		} else {
			ctx, cancel = context.WithCancel(ctx)
		}
		defer cancel()
		stop := context.AfterFunc(b.life.base, cancel)
		defer stop()
		c.ctx = ctx
	}
	var start time.Time
	if b.observer != nil {
		start = time.Now()
	}
	if b.state != nil {
		err = b.state.serve(b, c, owned)
	} else {
		err = b.call(c)
	}
	if b.observer != nil {
		b.observer.Observe(Observation{Kind: ObsHandled, Provider: u.Provider, UpdateKind: u.Kind, Route: c.route,
			Outcome: outcome(err), Duration: time.Since(start)})
	}
	switch {
	case err == nil:
	case !IsRetryable(err):
		b.report(c, err)
	case !async: // the async engine retries, and reports what it gives up
		b.logger.LogAttrs(ctx, slog.LevelWarn, "cardbot: handler failed, retryable",
			slog.String("provider", u.Provider),
			slog.String("chat", u.Chat.ID),
			slog.Any("error", err))
	}
	return c.recordedSends(), err
}

// call routes c and runs the chain; a panic becomes a *PanicError.
func (b *Bot) call(c *Context) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = NewPanicError(v)
		}
	}()
	return b.routes().find(c)(c)
}

// report hands err to the error handler, which must not bring the
// dispatcher down either.
func (b *Bot) report(c *Context, err error) {
	defer func() {
		if v := recover(); v != nil {
			b.logger.Error("cardbot: error handler panicked", slog.Any("error", NewPanicError(v)))
		}
	}()
	b.onError(c, err)
}

// Shutdown stops taking updates (Dispatch returns ErrShuttingDown from
// now on) and waits until every update taken has been handled: the running
// ones and, in async mode, those its queue holds (a durable queue keeps
// those it has not delivered yet, and those waiting for another attempt,
// for the next start). Then the bot's goroutines are stopped. When ctx
// ends first, it cancels the contexts of the running handlers, gives the
// queued updates back to the queue (a store.MemoryQueue loses them; they are not
// remembered as handled), and returns ctx.Err() without waiting further;
// the goroutines stop as soon as the running handlers return.
func (b *Bot) Shutdown(ctx context.Context) error {
	idle := b.life.close()
	select {
	case <-idle:
	case <-ctx.Done():
		if b.eng != nil {
			b.eng.Drop()
		}
		b.life.cancel()
		return ctx.Err()
	}
	if b.eng != nil {
		if err := b.eng.Shutdown(ctx); err != nil {
			b.life.cancel()
			return err
		}
	}
	return nil
}

// lifeContext is cancelled with the bot's lifecycle and has the values of
// the context an update was dispatched with.
type lifeContext struct {
	context.Context // the lifecycle's: Deadline, Done, Err
	values          context.Context
}

func (c *lifeContext) Value(key any) any {
	if v := c.values.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}

// lifecycle counts the updates taken and not yet handled, for Shutdown.
type lifecycle struct {
	mu       sync.Mutex
	closing  bool
	active   int
	idle     chan struct{}
	idleOnce sync.Once

	base   context.Context // cancelled when Shutdown gives up
	cancel context.CancelFunc
}

func (l *lifecycle) init() {
	l.idle = make(chan struct{})
	l.base, l.cancel = context.WithCancel(context.Background())
}

func (l *lifecycle) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return false
	}
	l.active++
	return true
}

func (l *lifecycle) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.active--
	if l.closing && l.active == 0 {
		l.idleOnce.Do(func() { close(l.idle) })
	}
}

// close stops enter and returns a channel closed once nothing is active.
func (l *lifecycle) close() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closing = true
	if l.active == 0 {
		l.idleOnce.Do(func() { close(l.idle) })
	}
	return l.idle
}
