package fakeapi

import "sync"

// List is a list safe for concurrent use: the calls a fake received, the
// messages it accepted.
type List[T any] struct {
	mu    sync.Mutex
	items []T
}

// Add appends vs.
func (l *List[T]) Add(vs ...T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, vs...)
}

// All returns a copy of the list.
func (l *List[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.items...)
}

// Reset empties the list.
func (l *List[T]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = nil
}

// AddN appends v n times.
func (l *List[T]) AddN(n int, v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range n {
		l.items = append(l.items, v)
	}
}

// Take removes and returns the first item, if any: a queue of failures.
func (l *List[T]) Take() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var v T
	if len(l.items) == 0 {
		return v, false
	}
	v = l.items[0]
	l.items = l.items[1:]
	return v, true
}
