package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/redis/go-redis/v9"
)

// Locker is a store.Locker on Redis: a lease is the key
// "{<prefix>:lock:<name>}", which holds its owner and expires after its
// ttl. It starts no goroutine.
type Locker struct {
	c      redis.UniversalClient
	prefix string
}

var _ store.Locker = (*Locker)(nil)

// NewLocker returns a Locker on client; it reads cfg.Prefix.
func NewLocker(client redis.UniversalClient, cfg Config) (*Locker, error) {
	if client == nil {
		return nil, errors.New("redisstore: NewLocker: nil client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Locker{c: client, prefix: cfg.Prefix}, nil
}

func (l *Locker) key(name string) string {
	return "{" + l.prefix + ":lock:" + name + "}"
}

// Acquire implements store.Locker in one script: it sets the lease when
// it is free, or extends it when owner holds it. A ttl below a
// millisecond counts as one.
func (l *Locker) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	n, err := lockAcquireScript.Run(ctx, l.c, []string{l.key(name)}, owner, ms(ttl)).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: acquire lease %q: %w", name, err)
	}
	return n == 1, nil
}

// Release implements store.Locker: it deletes the lease when owner
// holds it, in one script.
func (l *Locker) Release(ctx context.Context, name, owner string) error {
	if err := lockReleaseScript.Run(ctx, l.c, []string{l.key(name)}, owner).Err(); err != nil {
		return fmt.Errorf("redisstore: release lease %q: %w", name, err)
	}
	return nil
}
