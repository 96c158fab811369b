package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/store"
)

// job is one delivered entry, decoded, waiting for or in its handling.
type job struct {
	d        store.Delivery
	p        cardbot.Provider
	u        *cardbot.Update
	attempts int         // handlings that failed retryably
	forget   func()      // forgets the sends in the send ledger, once a handling left some
	timer    *time.Timer // the wait before the next attempt, or nil
}

// chatQueue holds the jobs of one chat, in order. A chatQueue is in the
// ready channel, held by one worker, or waiting for a retry of its first
// job, never two of these, so the jobs of a chat never run at the same
// time.
type chatQueue struct {
	key  string
	jobs []*job
}

// engine is async delivery: it consumes the Queue, keeps the delivered
// entries of each chat in order, and runs them on a fixed number of
// workers, one job of a chat at a time.
type engine struct {
	h        cardbot.EngineHost
	log      *slog.Logger
	q        store.Queue
	local    bool // q is a store.InProcess: it keeps updates unencoded
	workers  int
	attempts int
	backoff  retry.Backoff

	// room holds a token for each delivered entry not yet ended: deliver
	// takes one, waiting while there is none, so that a durable queue is
	// read no further ahead than the bound.
	room    chan struct{}
	holding sync.WaitGroup // a count per room token taken

	mu      sync.Mutex
	chats   map[string]*chatQueue
	waiting map[*job]*chatQueue // jobs whose retry timer runs
	closing bool                // Shutdown began
	started bool                // Start ran: the workers and Consume run

	// ready never blocks a send: each chat in it holds a job, and there are
	// at most cap(room) jobs.
	ready chan *chatQueue

	pushes pushHealth // the last push failure, for Ping

	ctx      context.Context    // Consume's
	cancel   context.CancelFunc // ends Consume
	consumed chan struct{}      // closed when Consume returned
	dropped  context.Context    // ends when Shutdown gave up
	drop     context.CancelFunc // ends dropped
	wg       sync.WaitGroup
}

// newEngine makes the engine of a bot; cfg has its defaults.
func newEngine(h cardbot.EngineHost, cfg Config) *engine {
	q := cfg.Queue
	if q == nil {
		q = store.NewMemoryQueue(cfg.QueueSize, cfg.QueueWait)
	}
	_, local := q.(store.InProcess)
	e := &engine{
		h:        h,
		log:      h.Logger(),
		q:        q,
		local:    local,
		workers:  cfg.Concurrency,
		attempts: cfg.MaxAttempts,
		backoff:  retry.Backoff{Min: cfg.MinRetryWait, Max: cfg.MaxRetryWait},
		room:     make(chan struct{}, cfg.QueueSize),
		chats:    make(map[string]*chatQueue),
		waiting:  make(map[*job]*chatQueue),
		ready:    make(chan *chatQueue, cfg.QueueSize),
		consumed: make(chan struct{}),
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.dropped, e.drop = context.WithCancel(context.Background())
	return e
}

// Start starts the workers and the consumer of the queue, once; not after
// Shutdown began (cardbot.ErrShuttingDown).
func (e *engine) Start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing || e.isDropped() {
		return cardbot.ErrShuttingDown
	}
	if e.started {
		return nil
	}
	e.started = true
	e.wg.Add(e.workers)
	for range e.workers {
		go e.work()
	}
	go e.consume(e.ctx)
	return nil
}

// consume runs the queue's Consume; once it returned, every entry it
// delivered has ended, and the workers are stopped.
func (e *engine) consume(ctx context.Context) {
	defer func() {
		// A Consume that failed may leave entries held: the workers end
		// them (or release them, when Shutdown gave up) before they stop.
		e.holding.Wait()
		close(e.ready)
		close(e.consumed)
	}()
	for {
		err := e.q.Consume(ctx, e.deliver)
		if err == nil || ctx.Err() != nil {
			return
		}
		e.log.Error("cardbot: the queue failed; consuming again in a second", slog.Any("error", err))
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return
		}
	}
}

// Push stores u in the queue.
func (e *engine) Push(ctx context.Context, u *cardbot.Update) error {
	en := store.Entry{Provider: u.Provider, ChatID: u.Chat.ID, Key: u.Key, Pushed: time.Now()}
	if e.local {
		en.Value = u // encoded only if it is dead lettered
	} else {
		var err error
		if en.Update, err = cardbot.EncodeUpdate(u); err != nil {
			return err
		}
	}
	var added bool
	var err error
	if e.local {
		added, err = e.pushLocal(ctx, en)
	} else {
		added, err = e.q.Push(ctx, en)
	}
	e.notePush(u, err)
	switch {
	case err == nil:
		kind := cardbot.ObsQueued
		if !added {
			kind = cardbot.ObsDeduplicated
		}
		e.h.Observe(cardbot.Observation{Kind: kind, Provider: u.Provider, UpdateKind: u.Kind})
		return nil
	case cardbot.IsRetryable(err):
		return err
	default:
		return cardbot.Retryable(fmt.Errorf("cardbot: queue: %w", err))
	}
}

// pushLocal pushes en to an in-process queue, whose wait for room also
// ends, with ErrShuttingDown, when Shutdown gives up.
func (e *engine) pushLocal(ctx context.Context, en store.Entry) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.dropped, cancel)()
	added, err := e.q.Push(ctx, en)
	if err != nil && e.isDropped() {
		return false, cardbot.ErrShuttingDown
	}
	return added, err
}

// deliver takes an entry from the queue: it decodes it and queues it
// behind the jobs of its chat.
func (e *engine) deliver(d store.Delivery) {
	select {
	case e.room <- struct{}{}:
		e.holding.Add(1)
	case <-e.dropped.Done():
		e.end(d, endRelease, "")
		return
	}
	if lost(d) {
		e.freeRoom()
		e.end(d, endRelease, "")
		return
	}
	j, reason := e.decode(d)
	if j == nil {
		e.log.Error("cardbot: queued update cannot be handled; dead lettered",
			slog.String("provider", d.Provider), slog.String("chat", d.ChatID), slog.String("reason", reason))
		e.h.Observe(cardbot.Observation{Kind: cardbot.ObsDeadLettered, Provider: d.Provider})
		e.freeRoom()
		e.end(d, endDeadLetter, reason)
		return
	}
	key := d.Provider + "\x00" + d.ChatID
	e.mu.Lock()
	if e.isDropped() {
		e.mu.Unlock()
		e.freeRoom()
		e.end(d, endRelease, "")
		return
	}
	if cq := e.chats[key]; cq != nil {
		cq.jobs = append(cq.jobs, j) // a worker, the ready channel or a retry has it
		e.mu.Unlock()
		return
	}
	cq := &chatQueue{key: key, jobs: []*job{j}}
	e.chats[key] = cq
	e.mu.Unlock()
	e.ready <- cq
}

// decode makes the job of d, or says why there can be none.
func (e *engine) decode(d store.Delivery) (*job, string) {
	u, _ := d.Value.(*cardbot.Update)
	if u == nil {
		u = new(cardbot.Update)
		if err := cardbot.DecodeUpdate(d.Update, u); err != nil {
			return nil, err.Error()
		}
	}
	p, _ := e.h.Provider(u.Provider) // nil when not (yet) registered: see provide
	return &job{d: d, p: p, u: u}, ""
}

// handle runs one handling of j, and keeps the forget of its sends.
func (e *engine) handle(j *job) error {
	ctx := context.Background()
	if j.d.Owned != nil {
		ctx = j.d.Owned
	}
	forget, err := e.h.Handle(ctx, j.p, j.u)
	if forget != nil {
		j.forget = forget
	}
	return err
}

// provide finds the provider of j when decode did not: an update from a
// previous run may name a provider that is registered only later. Until
// then the handling fails retryably, so it is tried again with backoff,
// and dead lettered only after its attempts.
func (e *engine) provide(j *job) error {
	if j.p != nil {
		return nil
	}
	p, ok := e.h.Provider(j.u.Provider)
	if !ok {
		return cardbot.Retryable(fmt.Errorf("%w: %q (register it with Bot.AddProvider)", cardbot.ErrUnknownProvider, j.u.Provider))
	}
	j.p = p
	return nil
}

// How a delivered entry ends.
const (
	endAck = iota
	endRelease
	endDeadLetter
)

// end tells the queue how d ended.
func (e *engine) end(d store.Delivery, how int, reason string) {
	ctx := context.Background()
	var err error
	switch how {
	case endAck:
		err = e.q.Ack(ctx, d)
	case endRelease:
		err = e.q.Release(ctx, d)
	case endDeadLetter:
		if u, ok := d.Value.(*cardbot.Update); ok && d.Update == nil {
			d.Update, _ = cardbot.EncodeUpdate(u) // EncodeUpdate of a decoded update does not fail
		}
		err = e.q.DeadLetter(ctx, d, reason)
	}
	if err != nil {
		e.log.Warn("cardbot: the queue failed to end an entry; it may be delivered again",
			slog.String("provider", d.Provider), slog.String("chat", d.ChatID), slog.Any("error", err))
	}
}

// freeRoom gives back a room token; whatever the job did with the ready
// channel it did before.
func (e *engine) freeRoom() {
	<-e.room
	e.holding.Done()
}

// lost reports whether the consumer no longer owns d.
func lost(d store.Delivery) bool { return d.Owned != nil && d.Owned.Err() != nil }

// isDropped reports whether Shutdown gave up: nothing more runs.
func (e *engine) isDropped() bool {
	return e.dropped.Err() != nil
}

// work runs the first job of a ready chat, then puts the chat back at the
// end of the ready channel while it has more, so that a busy chat does not
// starve the others.
func (e *engine) work() {
	defer e.wg.Done()
	for cq := range e.ready {
		e.mu.Lock()
		j := cq.jobs[0]
		e.mu.Unlock()
		if e.isDropped() || lost(j.d) {
			e.finish(cq, j, endRelease, "")
			continue
		}
		if j.attempts == 0 {
			e.h.Observe(cardbot.Observation{Kind: cardbot.ObsQueueDepth, Depth: len(e.room), Lag: time.Since(j.d.Pushed)})
		}
		err := e.provide(j)
		if err == nil {
			err = e.handle(j)
		}
		switch {
		case err == nil, !cardbot.IsRetryable(err): // a failure was reported by run; a redelivery would fail again
			e.finish(cq, j, endAck, "")
			if j.forget != nil {
				j.forget() // acknowledged: handled for good
			}
		case e.isDropped() || lost(j.d):
			e.finish(cq, j, endRelease, "")
		default:
			e.retry(cq, j, err)
		}
	}
}

// retry waits before the next attempt of j, the first job of cq, or dead
// letters it when it had its attempts.
func (e *engine) retry(cq *chatQueue, j *job, err error) {
	j.attempts++
	if j.attempts >= e.attempts {
		e.log.LogAttrs(context.Background(), slog.LevelError, "cardbot: update failed every attempt; dead lettered",
			slog.String("provider", j.u.Provider), slog.String("chat", j.u.Chat.ID),
			slog.String("key", j.u.Key), slog.Int("attempts", j.attempts), slog.Any("error", err))
		// Reported before the chat goes on, so that reports keep its order.
		e.h.Report(j.p, j.u, fmt.Errorf("%w after %d attempts: %w", cardbot.ErrDeadLettered, j.attempts, err))
		e.h.Observe(cardbot.Observation{Kind: cardbot.ObsDeadLettered, Provider: j.u.Provider, UpdateKind: j.u.Kind})
		e.finish(cq, j, endDeadLetter, err.Error())
		return
	}
	wait := e.backoff.Wait(j.attempts, 0)
	e.log.LogAttrs(context.Background(), slog.LevelWarn, "cardbot: handler failed, retrying",
		slog.String("provider", j.u.Provider), slog.String("chat", j.u.Chat.ID),
		slog.Int("attempt", j.attempts), slog.Duration("wait", wait), slog.Any("error", err))
	e.mu.Lock()
	if e.closing && !e.local {
		// A durable queue keeps it: the next start retries it.
		e.mu.Unlock()
		e.finish(cq, j, endRelease, "")
		return
	}
	e.waiting[j] = cq
	j.timer = time.AfterFunc(wait, func() { e.wake(j) })
	e.mu.Unlock()
}

// wake puts the chat of j back in the ready channel after its wait.
func (e *engine) wake(j *job) {
	e.mu.Lock()
	cq, ok := e.waiting[j]
	delete(e.waiting, j)
	e.mu.Unlock()
	if ok {
		e.ready <- cq
	}
}

// finish ends j, the first job of cq, and hands cq on: back to the ready
// channel while it has more jobs, else out of the engine. A release takes
// the later jobs of the chat with it, in order: they must not run before
// j does.
func (e *engine) finish(cq *chatQueue, j *job, how int, reason string) {
	e.mu.Lock()
	rest := cq.jobs[1:]
	if how == endRelease {
		cq.jobs = nil
	} else {
		cq.jobs[0] = nil
		cq.jobs = rest
		rest = nil
	}
	more := len(cq.jobs) > 0
	if !more {
		delete(e.chats, cq.key)
	}
	e.mu.Unlock()
	if more {
		e.ready <- cq // before the end below, so before Consume can return
	}
	e.freeRoom()
	e.end(j.d, how, reason)
	for _, r := range rest {
		e.freeRoom()
		e.end(r.d, endRelease, "")
	}
}

// Shutdown stops consuming and waits until every entry delivered was
// handled; when ctx ends first it gives up: nothing more runs, what is
// queued is released, and it returns ctx's error at once.
func (e *engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.closing = true
	started := e.started
	e.mu.Unlock()
	if !started {
		// Never started: nothing was delivered, and the queue keeps
		// what it holds (a store.MemoryQueue: what was pushed is lost, as
		// when Shutdown gives up).
		e.cancel()
		return nil
	}
	// Consuming stops first: a retry released below must stay in the
	// durable queue for the next start, not come straight back to this
	// consumer and run again before its wait is over.
	e.cancel()
	if !e.local {
		e.releaseWaiting() // a durable queue keeps them for the next start
	}
	select {
	case <-e.consumed:
		e.wg.Wait()
		return nil
	case <-ctx.Done():
		e.Drop()
		return ctx.Err()
	}
}

// releaseWaiting releases the jobs waiting for their next attempt, whose
// timers have not fired yet, and hands their chats on.
func (e *engine) releaseWaiting() {
	e.mu.Lock()
	stopped := make(map[*job]*chatQueue)
	for j, cq := range e.waiting {
		if j.timer.Stop() {
			stopped[j] = cq
			delete(e.waiting, j)
		}
	}
	e.mu.Unlock()
	for j, cq := range stopped {
		e.finish(cq, j, endRelease, "")
	}
}

// Drop gives up: the jobs not running are released, and a worker releases
// every job it takes from now on.
func (e *engine) Drop() {
	e.mu.Lock()
	if e.isDropped() {
		e.mu.Unlock()
		return
	}
	e.drop()
	e.mu.Unlock()
	e.cancel()
	e.releaseWaiting()
}
