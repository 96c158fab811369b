package fakeapi

import (
	"context"
	"sync"
	"time"
)

// Queue is what a fake's long polls serve: items in order, and a wait
// for the first. Its zero value is empty and ready to use; it is safe for
// concurrent use.
type Queue[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{} // closed and dropped on Push
}

// Push appends vs and wakes the waiting polls.
func (q *Queue[T]) Push(vs ...T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, vs...)
	if q.changed != nil {
		close(q.changed)
		q.changed = nil
	}
}

// Len returns how many items the queue holds.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Update replaces the items with what f returns for them (to drop those
// acknowledged or deleted).
func (q *Queue[T]) Update(f func(items []T) []T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = f(q.items)
}

// Wait returns up to n items from the head of the queue as soon as there
// are any, waiting at most d: none when d passed first, and ctx's error
// when it ended first.
func (q *Queue[T]) Wait(ctx context.Context, d time.Duration, n int) ([]T, error) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			out := append([]T(nil), q.items[:min(n, len(q.items))]...)
			q.mu.Unlock()
			return out, nil
		}
		if q.changed == nil {
			q.changed = make(chan struct{})
		}
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
