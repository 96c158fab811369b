package store

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MemoryQueue is the Queue in memory that async delivery uses unless
// delivery.Config.Queue names another: for development, tests and a bot that
// may lose what it acknowledged when its process dies. It is bounded: a
// Push waits up to its wait for room, then fails with ErrQueueFull. It
// deduplicates with a MemoryDedupStore of DefaultDedupSize keys kept for
// DefaultDedupTTL. It holds one consumer: its Consume, when its ctx ends,
// delivers what it still holds before it returns, so that a graceful
// shutdown handles everything pushed.
type MemoryQueue struct {
	wait  time.Duration
	dedup *MemoryDedupStore

	// room holds a token for each entry stored and not ended: Push takes
	// one, Ack and DeadLetter give it back.
	room chan struct{}

	mu      sync.Mutex
	pending []Entry // stored and not delivered, in push order
	seq     uint64
	held    int  // delivered and not ended
	closing bool // Consume's ctx ended
	gaveUp  bool // an entry was released while closing: Consume delivers no more
	dead    []DeadLetter
	notify  chan struct{} // a pending entry or an ended one; capacity 1
}

// DefaultQueueSize is how many entries a MemoryQueue stores when its size
// is zero or less.
const DefaultQueueSize = 1024

// InProcess implements InProcess: a MemoryQueue keeps its entries in this
// process and passes Entry.Value through.
func (*MemoryQueue) InProcess() {}

// maxDeadLetters bounds the dead letters a MemoryQueue keeps; the oldest
// go first.
const maxDeadLetters = 10_000

// NewMemoryQueue returns a queue that stores up to size entries (not yet
// acknowledged), DefaultQueueSize when size is zero or less, and whose Push
// waits up to wait for room (not at all when wait is zero or less).
func NewMemoryQueue(size int, wait time.Duration) *MemoryQueue {
	if size <= 0 {
		size = DefaultQueueSize
	}
	return &MemoryQueue{
		wait:   max(wait, 0),
		dedup:  NewMemoryDedupStore(MemoryDedupConfig{}),
		room:   make(chan struct{}, size),
		notify: make(chan struct{}, 1),
	}
}

// Push implements Queue. Its wait for room ends with ErrQueueFull when
// ctx ends.
func (q *MemoryQueue) Push(ctx context.Context, e Entry) (bool, error) {
	var key string
	if e.Key != "" {
		key = e.Provider + "\x00" + e.Key
		st, _ := q.dedup.Begin(ctx, key) // a MemoryDedupStore does not fail
		switch st {
		case DedupDone:
			return false, nil
		case DedupInFlight:
			return false, ErrInFlight // being pushed right now, and may yet fail
		}
	}
	if err := q.acquire(ctx); err != nil {
		if key != "" {
			_ = q.dedup.End(ctx, key, false)
		}
		return false, err
	}
	if key != "" {
		_ = q.dedup.End(ctx, key, true)
	}
	q.mu.Lock()
	q.seq++
	e.ID = strconv.FormatUint(q.seq, 10)
	q.pending = append(q.pending, e)
	q.mu.Unlock()
	q.signal()
	return true, nil
}

// acquire takes a room token, waiting up to q.wait for one.
func (q *MemoryQueue) acquire(ctx context.Context) error {
	select {
	case q.room <- struct{}{}:
		return nil
	default:
	}
	if q.wait <= 0 {
		return ErrQueueFull
	}
	t := time.NewTimer(q.wait)
	defer t.Stop()
	select {
	case q.room <- struct{}{}:
		return nil
	case <-t.C:
		return ErrQueueFull
	case <-ctx.Done():
		return ErrQueueFull
	}
}

func (q *MemoryQueue) signal() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// Consume implements Queue.
func (q *MemoryQueue) Consume(ctx context.Context, deliver func(Delivery)) error {
	q.mu.Lock()
	q.gaveUp = false
	q.mu.Unlock()
	for {
		q.mu.Lock()
		q.closing = ctx.Err() != nil
		if len(q.pending) > 0 && !q.gaveUp {
			e := q.pending[0]
			q.pending[0] = Entry{}
			q.pending = q.pending[1:]
			q.held++
			q.mu.Unlock()
			deliver(Delivery{Entry: e})
			continue
		}
		done := ctx.Err() != nil && q.held == 0
		q.mu.Unlock()
		if done {
			return nil
		}
		if ctx.Err() != nil {
			<-q.notify // wait for the held entries to end
			continue
		}
		select {
		case <-q.notify:
		case <-ctx.Done():
		}
	}
}

// end counts an entry ended, and gives its room back when it leaves the
// queue.
func (q *MemoryQueue) end(freeRoom bool) {
	q.mu.Lock()
	q.held--
	q.mu.Unlock()
	if freeRoom {
		<-q.room
	}
	q.signal()
}

// Ack implements Queue.
func (q *MemoryQueue) Ack(context.Context, Delivery) error {
	q.end(true)
	return nil
}

// Release implements Queue: the entry goes back to its place in the
// queue, before every entry pushed after it. Once Consume's ctx has ended, a Release means the consumer gives
// up: Consume delivers nothing more, and what the queue holds is lost with
// the process.
func (q *MemoryQueue) Release(_ context.Context, d Delivery) error {
	q.mu.Lock()
	seq, _ := strconv.ParseUint(d.ID, 10, 64)
	i, _ := slices.BinarySearchFunc(q.pending, seq, func(e Entry, seq uint64) int {
		n, _ := strconv.ParseUint(e.ID, 10, 64)
		return cmp.Compare(n, seq)
	})
	q.pending = slices.Insert(q.pending, i, d.Entry)
	q.gaveUp = q.closing
	q.mu.Unlock()
	q.end(false)
	return nil
}

// DeadLetter implements Queue.
func (q *MemoryQueue) DeadLetter(_ context.Context, d Delivery, reason string) error {
	q.mu.Lock()
	if len(q.dead) == maxDeadLetters {
		q.dead = append(q.dead[:0], q.dead[1:]...)
	}
	q.dead = append(q.dead, DeadLetter{Entry: d.Entry, Reason: reason, Failed: time.Now()})
	q.mu.Unlock()
	q.end(true)
	return nil
}

// DeadLetters implements Queue.
func (q *MemoryQueue) DeadLetters(_ context.Context, limit int) ([]DeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(max(limit, 0), len(q.dead))
	return append([]DeadLetter(nil), q.dead[:n]...), nil
}

// Replay implements Queue. It fails with ErrQueueFull when the queue has
// no room.
func (q *MemoryQueue) Replay(_ context.Context, id string) error {
	q.mu.Lock()
	i := q.deadIndex(id)
	q.mu.Unlock()
	if i < 0 {
		return ErrNoDeadLetter
	}
	select {
	case q.room <- struct{}{}:
	default:
		return ErrQueueFull
	}
	q.mu.Lock()
	if i = q.deadIndex(id); i < 0 { // replayed or dropped meanwhile
		q.mu.Unlock()
		<-q.room
		return ErrNoDeadLetter
	}
	e := q.dead[i].Entry
	q.dead = append(q.dead[:i], q.dead[i+1:]...)
	q.seq++
	e.ID = strconv.FormatUint(q.seq, 10) // pending stays in the order of IDs
	q.pending = append(q.pending, e)
	q.mu.Unlock()
	q.signal()
	return nil
}

// DropDeadLetter implements Queue.
func (q *MemoryQueue) DropDeadLetter(_ context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := q.deadIndex(id)
	if i < 0 {
		return ErrNoDeadLetter
	}
	q.dead = append(q.dead[:i], q.dead[i+1:]...)
	return nil
}

func (q *MemoryQueue) deadIndex(id string) int {
	for i, d := range q.dead {
		if d.ID == id {
			return i
		}
	}
	return -1
}
