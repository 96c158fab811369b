package boltstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cardbot/cardbot"
)

// Locker is the cardbot.Locker of a DB. It holds its leases in memory, not
// in the file: a bbolt file is open in one process at a time (Open of a
// second one fails with ErrLocked), so every holder of a lease on the
// data of the DB is in this process anyway, and a lease is worth nothing
// after a restart. It works on after Close.
type Locker struct {
	mu     sync.Mutex
	leases map[string]lease
}

type lease struct {
	owner   string
	expires time.Time
}

var _ cardbot.Locker = (*Locker)(nil)

// Acquire implements cardbot.Locker.
func (l *Locker) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("boltstore: acquire: %w", err)
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[name]; ok && cur.owner != owner && now.Before(cur.expires) {
		return false, nil
	}
	l.leases[name] = lease{owner: owner, expires: now.Add(ttl)}
	return true, nil
}

// Release implements cardbot.Locker.
func (l *Locker) Release(_ context.Context, name, owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[name]; ok && cur.owner == owner {
		delete(l.leases, name)
	}
	return nil
}
