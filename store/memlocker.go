package store

import (
	"context"
	"sync"
	"time"
)

// MemoryLocker is a Locker within one process.
type MemoryLocker struct {
	mu     sync.Mutex
	leases map[string]memoryLease
}

type memoryLease struct {
	owner   string
	expires time.Time
}

// NewMemoryLocker returns an empty MemoryLocker.
func NewMemoryLocker() *MemoryLocker {
	return &MemoryLocker{leases: make(map[string]memoryLease)}
}

// Acquire implements Locker.
func (l *MemoryLocker) Acquire(_ context.Context, name, owner string, ttl time.Duration) (bool, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[name]; ok && cur.owner != owner && now.Before(cur.expires) {
		return false, nil
	}
	l.leases[name] = memoryLease{owner: owner, expires: now.Add(ttl)}
	return true, nil
}

// Release implements Locker.
func (l *MemoryLocker) Release(_ context.Context, name, owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[name]; ok && cur.owner == owner {
		delete(l.leases, name)
	}
	return nil
}
