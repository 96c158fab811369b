package cardbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// Dispatch handles one update that p delivered: the entry point of the
// webhook receiver and of pollers.
//
// First it deduplicates: when the update has a Key and a delivery with the
// same provider and key was handled before, Dispatch returns nil at once;
// when one is being handled right now, it returns ErrInFlight. A key is
// remembered as handled only when its handler returned nil, so a delivery
// after a failure is handled again.
//
// In sync mode (the default) Dispatch runs the middlewares and the handler
// and returns the handler's error. The caller answers the provider by
// IsRetryable(err): retryable (503) so the provider delivers the update
// again, or not (200). Errors that are not retryable and panics, recovered
// here always as a *PanicError, also go to the error handler
// (WithErrorHandler); retryable ones are logged at level Warn.
//
// In async mode (WithAsync) Dispatch queues the update and returns nil; the
// handler's error, whatever it is, goes to the error handler. Updates of one
// chat (provider and chat id) are handled one at a time in the order they
// were dispatched; those of different chats in parallel, at most
// AsyncConfig.Concurrency at once. A queue that stays full for
// AsyncConfig.QueueWait (or until ctx ends) gives ErrQueueFull, and a bot
// that is shutting down ErrShuttingDown; both are retryable.
//
// The handler's context.Context derives from ctx in sync mode, and keeps
// only ctx's values in async mode, where ctx ends with the webhook request.
// It is cancelled by the handler timeout and by Shutdown giving up.
func (b *Bot) Dispatch(ctx context.Context, p Provider, u Update) error {
	if p == nil {
		return errors.New("cardbot: Dispatch with a nil Provider")
	}
	if u.Provider == "" {
		u.Provider = p.Name()
	}
	if !b.life.enter() {
		return ErrShuttingDown
	}
	var key string
	if u.Key != "" {
		key = u.Provider + "\x00" + u.Key
		st, err := b.dedup.Begin(ctx, key)
		if err != nil {
			b.life.leave()
			return Retryable(fmt.Errorf("cardbot: dedup store: %w", err))
		}
		switch st {
		case DedupDone:
			b.life.leave()
			return nil
		case DedupInFlight:
			b.life.leave()
			return ErrInFlight
		}
	}
	if b.q != nil {
		if err := b.q.push(ctx, &job{ctx: context.WithoutCancel(ctx), p: p, u: &u, key: key}); err != nil {
			b.endKey(ctx, key, false)
			b.life.leave()
			return err
		}
		return nil // the worker leaves
	}
	err := b.run(ctx, p, &u, false)
	b.endKey(ctx, key, err == nil)
	b.life.leave()
	return err
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
// error.
func (b *Bot) run(ctx context.Context, p Provider, u *Update, async bool) error {
	c := &Context{bot: b, provider: p, update: u}
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
	err := b.call(c)
	if err == nil {
		return nil
	}
	if async || !IsRetryable(err) {
		b.report(c, err)
	} else {
		b.logger.LogAttrs(ctx, slog.LevelWarn, "cardbot: handler failed, retryable",
			slog.String("provider", u.Provider),
			slog.String("chat", u.Chat.ID),
			slog.Any("error", err))
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
// ones and, in async mode, the queued ones. When ctx ends first, it
// cancels the contexts of the running handlers, drops the queued updates
// (they are logged, and their keys are not remembered), and returns
// ctx.Err() without waiting further.
func (b *Bot) Shutdown(ctx context.Context) error {
	idle := b.life.close()
	select {
	case <-idle:
		if b.q != nil {
			b.q.stop()
		}
		return nil
	case <-ctx.Done():
		// Drop the queue before cancelling: a worker freed by the
		// cancellation must find the queue dropping, not run the next job.
		if b.q != nil {
			b.q.drop()
		}
		b.life.cancel()
		return ctx.Err()
	}
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
