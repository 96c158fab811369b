package cardbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Dispatcher takes the updates providers deliver; *Bot is one. The webhook
// receiver and the pollers hand their updates to a Dispatcher, so that a
// wrapper or a test can stand in for the bot.
type Dispatcher interface {
	Dispatch(ctx context.Context, p Provider, u Update) error
}

var _ Dispatcher = (*Bot)(nil)

// Dispatch handles one update that p delivered: the entry point of the
// webhook receiver and of pollers.
//
// In sync mode (the default) Dispatch first deduplicates: when the update
// has a Key and a delivery with the same provider and key was handled
// before, Dispatch returns nil at once; when one is being handled right
// now, it returns ErrInFlight. Then it runs the middlewares and the handler
// and returns the handler's error; a key is remembered as handled only when
// its handler returned nil, so a delivery after a failure is handled again.
// The caller answers the provider by IsRetryable(err): retryable (503) so
// the provider delivers the update again, or not (200). Errors that are not
// retryable and panics, recovered here always as a *PanicError, also go to
// the error handler (WithErrorHandler); retryable ones are logged at level
// Warn. The handler's context.Context derives from ctx: it ends when ctx
// ends (the webhook receiver gives a ctx that does not end when the
// provider hangs up, but has a deadline), with the handler timeout, and
// when Shutdown gives up.
//
// In async mode (WithAsync) Dispatch starts the bot when it was not (see
// Start), pushes the update to the queue and returns nil once the queue
// stored it; a queue deduplicates by key, so a
// delivery of an update pushed before returns nil too. A failed push gives
// a retryable error (ErrQueueFull, ErrInFlight, ErrShuttingDown, or the
// queue's error made Retryable), so the provider delivers the update again.
// The bot's workers then handle the queued updates: those of one chat
// (provider and chat id) one at a time in the order they were pushed,
// those of different chats in parallel, at most AsyncConfig.Concurrency at
// once. A handling that fails retryably is tried again after a wait, up to
// AsyncConfig.MaxAttempts times in all, while the later updates of its
// chat wait; then the update goes to the queue's dead letters (see
// DeadLetters), and the error, wrapping ErrDeadLettered, to the error
// handler. Other errors and panics go to the error handler at once, and
// the update is done. Delivery is at least once per update: an update
// whose handling was cut short by a crash (or, on a shared queue, by the
// loss of its partition) is handled again, by this process after a
// restart or by another one. The handler's context.Context carries no
// value of ctx (the update may be handled by another process); it ends
// with the handler timeout, when Shutdown gives up, and when the queue
// gives the update's partition to another consumer (a send under way is
// not cancelled by that: see Context.Context).
//
// With conversation state (WithState), each update that has a
// conversation (see StateScope) is handled while it holds it, so the
// updates of one conversation run one at a time, in sync and async mode:
// within the process always; across instances when StateConfig.Locker is
// shared by them, or, in async mode, when a partitioned queue gives each
// chat to one instance at a time. Once the conversation is held, its
// record is loaded (before routing); when the handler changed it and
// returned nil, it is saved before the conversation is given to the next
// update. An update that returns an error or panics saves nothing: a
// redelivery runs the same step again.
//
// Each save is a compare-and-set on the version loaded. What it
// guarantees, per conversation:
//
//   - A change is never lost to, nor applied over, a concurrent one: when
//     another handling saved meanwhile (instances without a shared
//     Locker, or a handling that could not renew its lease for
//     StateConfig.LockTTL), the save stores nothing and the update fails
//     with ErrStateConflict, which is retryable: sync mode answers 503 so
//     the provider delivers it again, async mode tries it again. It then
//     runs again on the state that won; what its handler sent before the
//     conflict is not sent again when it sends the same at the same
//     position (see the send ledger below).
//   - An async handling whose delivery was handed to another consumer
//     meanwhile (Delivery.Owned ended) saves nothing and fails retryably;
//     the new owner handles the update.
//   - The saved record names its update (provider and Key), so an update
//     delivered again after its save (a crash before the dedup mark or the
//     queue's acknowledgement) runs neither middlewares nor handler, and
//     succeeds.
//
// So with one instance, or several that share a Locker (or partition
// ownership) and reach it while they handle, the handler of each keyed
// update runs once per successful save, across crashes after the save;
// a crash before it runs the handler again, as at-least-once delivery
// does. A wait for the conversation longer than StateConfig.LockWait
// fails with ErrChatBusy (retryable), and a failing StateStore or Locker
// with a retryable error that wraps the store's.
//
// Every send of a handling (Context.Send, Reply, SendContact, SendFile,
// SendVCard, SendOutgoing, SendKeyed) goes through the bot's send ledger
// (WithSendLedger; by default the ledger of the configured store, see
// LedgerSource, else one in memory). Once the provider took a send, the
// bot records its result under the update (its provider and Key) and its
// slot: its position in the handling (the n-th send), or the key given
// to SendKeyed. When the same update is handled again, each send whose
// slot has a record (at a position, for the same chat and content) is
// skipped and its recorded result returned. The records go when the
// update is handled for good (its handler returned nil or an error that
// is not retryable, and sync mode remembered its key or async mode
// acknowledged it); otherwise they last the ledger's TTL
// (DefaultLedgerTTL) from the last send, so that a dead letter replayed
// within it skips them too. What this guarantees, for an update with a
// Key whose handler makes the same sends in the same order each time:
//
//   - Exactly once per send across every retry the bot makes (async
//     delivery's next attempt, a conflict's), every delivery of the
//     provider after a 503, and, with a ledger that several instances or
//     restarts share (boltstore, redisstore), every handling of the
//     update by another instance or after a restart.
//   - At least once only for a send in flight at a crash: written to the
//     provider, and not yet recorded when the process died. The next
//     handling makes it again.
//   - A send whose record the ledger failed to store is logged, returned
//     as made, and made again by a later handling. A ledger that cannot
//     be read fails the send with a retryable error before the provider
//     is called.
//
// An update without a Key, and Bot.Send, keep no ledger.
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
	b.observe(Observation{Kind: ObsReceived, Provider: u.Provider, Update: u.Kind})
	if b.eng != nil {
		b.remember(p)
		if !b.eng.start() {
			return ErrShuttingDown
		}
		if b.tracer != nil && u.Trace == nil {
			u.Trace = b.tracer.Inject(ctx)
		}
		return b.eng.push(ctx, &u)
	}
	var key string
	if u.Key != "" {
		key = u.Provider + "\x00" + u.Key
		st, err := b.dedup.Begin(ctx, key)
		if err != nil {
			return Retryable(fmt.Errorf("cardbot: dedup store: %w", err))
		}
		switch st {
		case DedupDone:
			b.observe(Observation{Kind: ObsDeduplicated, Provider: u.Provider, Update: u.Kind})
			return nil
		case DedupInFlight:
			return ErrInFlight
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
		b.observer.Observe(Observation{Kind: ObsHandled, Provider: u.Provider, Update: u.Kind, Route: c.route,
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

// runJob handles a queued update, and notes in j whether it has sends in
// the send ledger.
func (b *Bot) runJob(j *job) error {
	ctx := context.Background()
	if j.d.Owned != nil {
		ctx = j.d.Owned
	}
	sent, err := b.run(ctx, j.p, j.u, true)
	if sent != "" {
		j.sent = sent
	}
	return err
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
// queued updates back to the queue (a MemoryQueue loses them; they are not
// remembered as handled), and returns ctx.Err() without waiting further;
// the goroutines stop as soon as the running handlers return.
func (b *Bot) Shutdown(ctx context.Context) error {
	idle := b.life.close()
	select {
	case <-idle:
	case <-ctx.Done():
		if b.eng != nil {
			b.eng.drop()
		}
		b.life.cancel()
		return ctx.Err()
	}
	if b.eng != nil {
		if err := b.eng.shutdown(ctx); err != nil {
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
