package cardbot

import "context"

// PushUpdate is Push of an update kept unencoded, whose wait for room also
// ends when stop is closed (package delivery's engine).
//
// Deprecated: a bridge until MemoryQueue leaves for package store with an
// optional interface in its place.
func (q *MemoryQueue) PushUpdate(ctx context.Context, e Entry, u *Update, stop <-chan struct{}) (bool, error) {
	e.update = u
	return q.push(ctx, e, stop)
}

// DeliveredUpdate returns the unencoded update of d, or nil.
//
// Deprecated: a bridge until MemoryQueue leaves for package store with an
// optional interface in its place.
func (q *MemoryQueue) DeliveredUpdate(d Delivery) *Update { return d.update }
