package chatlock

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/google/uuid"
)

// Config configures Locks.
type Config struct {
	// Locker is the lease store shared by the instances, nil for this
	// process only.
	Locker store.Locker

	// TTL is the time to live of a lease; a held lease is renewed every
	// third of it (see Keep).
	TTL time.Duration

	// Wait bounds the wait for a conversation another handling holds.
	Wait time.Duration

	// Busy is the error a wait that ran out wraps.
	Busy error
}

// Locks holds the conversation locks of one bot.
type Locks struct {
	cfg Config
	id  string        // the bot's owner id on a shared Locker
	seq atomic.Uint64 // makes each holding's owner unique

	mu      sync.Mutex
	locks   map[string]*keyLock // conversations seen lately; those free are swept
	sweepAt int                 // sweep the free ones when len(locks) reaches it
}

// keyLock is the lock of one conversation within the process.
type keyLock struct {
	ch   chan struct{} // holds a token while the conversation is held
	refs int           // holders and waiters; guarded by Locks.mu
}

// New returns the Locks of cfg.
func New(cfg Config) *Locks {
	return &Locks{cfg: cfg, id: uuid.NewString(), locks: make(map[string]*keyLock), sweepAt: minSweep}
}

// Holding is a conversation held by a handling.
type Holding struct {
	l     *keyLock
	lease string // the name of the lease on the shared Locker, "" for none
	owner string
}

// Hold waits until the conversation key is free, within this process and
// on the shared Locker, and takes it; Release gives it back. A wait longer
// than Config.Wait fails with an error wrapping Config.Busy; a failure of
// the Locker is retryable (it has a method Retryable() bool).
func (k *Locks) Hold(ctx context.Context, key string) (Holding, error) {
	k.mu.Lock()
	l := k.locks[key]
	if l == nil {
		// Kept after its handling, so that the next update of a busy
		// chat finds it: a map insert and delete per update cost more
		// than the sweep.
		if len(k.locks) >= k.sweepAt {
			k.sweep()
		}
		l = &keyLock{ch: make(chan struct{}, 1)}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()

	h := Holding{l: l}
	var wait *time.Timer // started at the first wait, so that a free conversation costs none
	defer func() {
		if wait != nil {
			wait.Stop()
		}
	}()
	select {
	case l.ch <- struct{}{}:
	default:
		wait = time.NewTimer(k.cfg.Wait)
		select {
		case l.ch <- struct{}{}:
		case <-wait.C:
			k.drop(l, false)
			return Holding{}, fmt.Errorf("%w: waited %v", k.cfg.Busy, k.cfg.Wait)
		case <-ctx.Done():
			k.drop(l, false)
			return Holding{}, fmt.Errorf("cardbot: waiting for the conversation: %w", ctx.Err())
		}
	}
	if k.cfg.Locker == nil {
		return h, nil
	}
	h.lease, h.owner = "cardbot-state:"+key, k.id+":"+strconv.FormatUint(k.seq.Add(1), 10)
	if err := k.takeLease(ctx, h.lease, h.owner, wait); err != nil {
		k.drop(l, true)
		return Holding{}, err
	}
	return h, nil
}

// Release gives back what Hold took; ctx may have ended.
func (k *Locks) Release(ctx context.Context, h Holding) {
	if h.lease != "" {
		_ = k.cfg.Locker.Release(context.WithoutCancel(ctx), h.lease, h.owner)
	}
	k.drop(h.l, true)
}

// takeLease takes the lease name on the shared Locker for owner, trying
// again with growing pauses until Wait (counted from the first wait, when
// there was one) has passed.
func (k *Locks) takeLease(ctx context.Context, name, owner string, wait *time.Timer) error {
	pause := 2 * time.Millisecond
	for {
		ok, err := k.cfg.Locker.Acquire(ctx, name, owner, k.cfg.TTL)
		if err != nil {
			return &retryable{fmt.Errorf("cardbot: state locker: %w", err)}
		}
		if ok {
			return nil
		}
		if wait == nil {
			wait = time.NewTimer(k.cfg.Wait)
			defer wait.Stop()
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-wait.C:
			t.Stop()
			return fmt.Errorf("%w: waited %v for the lease of another instance", k.cfg.Busy, k.cfg.Wait)
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("cardbot: waiting for the conversation: %w", ctx.Err())
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// drop gives l back, after taking its token when held.
func (k *Locks) drop(l *keyLock, held bool) {
	if held {
		<-l.ch
	}
	k.mu.Lock()
	l.refs--
	k.mu.Unlock()
}

// minSweep is the fewest conversation locks kept before a sweep.
const minSweep = 4096

// sweep deletes the locks that no handling holds or waits for; k.mu is
// held. The next sweep comes when the map has doubled, so each lock costs
// its sweep once.
func (k *Locks) sweep() {
	for key, l := range k.locks {
		if l.refs == 0 {
			delete(k.locks, key)
		}
	}
	k.sweepAt = max(2*len(k.locks), minSweep)
}

// retryable marks an error a later attempt may cure, as cardbot.IsRetryable
// recognizes it.
type retryable struct{ err error }

func (e *retryable) Error() string   { return e.err.Error() }
func (e *retryable) Unwrap() error   { return e.err }
func (e *retryable) Retryable() bool { return true }
