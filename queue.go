package cardbot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// job is one queued update.
type job struct {
	ctx context.Context // the values of Dispatch's ctx, without its cancellation
	p   Provider
	u   *Update
	key string // dedup key, or ""
}

// chatQueue holds the jobs of one chat, in order. A chatQueue is in the
// ready channel or held by one worker, never both, so the jobs of a chat
// never run at the same time.
type chatQueue struct {
	key  string
	jobs []*job
}

// queue is the async delivery: a bounded number of pending jobs over all
// chats, a ready channel of the chats that have jobs and no worker, and a
// fixed number of workers.
type queue struct {
	b       *Bot
	workers int
	wait    time.Duration // for room in a full queue; 0: none

	// slots holds a token for each job queued and not started: a push
	// takes one, waiting up to wait when there is none, and a worker
	// gives it back when it starts the job.
	slots chan struct{}

	mu       sync.Mutex
	chats    map[string]*chatQueue
	dropping bool

	// ready never blocks a send: each chat in it has a pending job, so it
	// holds at most size chats.
	ready    chan *chatQueue
	start    sync.Once
	stopOnce sync.Once
	wg       sync.WaitGroup
}

func newQueue(b *Bot, cfg AsyncConfig) *queue {
	return &queue{
		b:       b,
		workers: cfg.Concurrency,
		wait:    cfg.QueueWait,
		slots:   make(chan struct{}, cfg.QueueSize),
		chats:   make(map[string]*chatQueue),
		ready:   make(chan *chatQueue, cfg.QueueSize),
	}
}

// push queues j, waiting for room while ctx lasts, or returns
// ErrQueueFull (or ErrShuttingDown when Shutdown gave up meanwhile).
func (q *queue) push(ctx context.Context, j *job) error {
	q.start.Do(func() {
		q.wg.Add(q.workers)
		for range q.workers {
			go q.work()
		}
	})
	if err := q.acquire(ctx); err != nil {
		return err
	}
	key := j.u.Provider + "\x00" + j.u.Chat.ID
	q.mu.Lock()
	defer q.mu.Unlock()
	if cq := q.chats[key]; cq != nil {
		cq.jobs = append(cq.jobs, j) // its worker or the ready channel has it
		return nil
	}
	cq := &chatQueue{key: key, jobs: []*job{j}}
	q.chats[key] = cq
	q.ready <- cq
	return nil
}

// acquire takes a slot, waiting up to q.wait for one.
func (q *queue) acquire(ctx context.Context) error {
	select {
	case q.slots <- struct{}{}:
		return nil
	default:
	}
	if q.wait <= 0 {
		return ErrQueueFull
	}
	t := time.NewTimer(q.wait)
	defer t.Stop()
	select {
	case q.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrQueueFull
	case <-ctx.Done():
		return ErrQueueFull
	case <-q.b.life.base.Done():
		return ErrShuttingDown
	}
}

// work runs one job of a ready chat at a time, and puts the chat back at
// the end of the ready channel while it has more, so that a busy chat does
// not starve the others.
func (q *queue) work() {
	defer q.wg.Done()
	for cq := range q.ready {
		q.mu.Lock()
		j := cq.jobs[0]
		cq.jobs[0] = nil
		cq.jobs = cq.jobs[1:]
		<-q.slots
		drop := q.dropping
		q.mu.Unlock()

		handled := false
		if drop {
			q.b.logger.LogAttrs(j.ctx, slog.LevelWarn, "cardbot: update dropped at shutdown",
				slog.String("provider", j.u.Provider), slog.String("chat", j.u.Chat.ID), slog.String("key", j.u.Key))
		} else {
			handled = q.b.run(j.ctx, j.p, j.u, true) == nil
		}
		q.b.endKey(j.ctx, j.key, handled)

		q.mu.Lock()
		if len(cq.jobs) == 0 {
			delete(q.chats, cq.key)
		} else {
			q.ready <- cq
		}
		q.mu.Unlock()
		q.b.life.leave()
	}
}

// stop ends the workers once nothing is queued or running.
func (q *queue) stop() {
	q.stopOnce.Do(func() { close(q.ready) })
	q.wg.Wait()
}

// drop makes the workers skip the jobs still queued.
func (q *queue) drop() {
	q.mu.Lock()
	q.dropping = true
	q.mu.Unlock()
}
