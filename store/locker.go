package store

import (
	"context"
	"time"
)

// A Locker grants named leases with a time to live. Pollers take one per
// provider account, so that of several instances only one polls it at a
// time (GREEN-API hands a notification to every poller until it is
// deleted). Implementations must be safe for concurrent use; a Locker
// starts no goroutine, its holders renew.
type Locker interface {
	// Acquire takes the lease name for owner for ttl, or renews it when
	// owner holds it, and reports whether owner holds it now. A lease not
	// renewed within ttl is free for anyone.
	Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)

	// Release frees the lease name when owner holds it; else it does
	// nothing.
	Release(ctx context.Context, name, owner string) error
}
