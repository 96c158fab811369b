// Package pollease is the lease a poller holds on a shared store.Locker,
// so that of several instances of a bot only one polls a provider account
// at a time: GREEN-API hands a notification to every poller of an instance
// until it is deleted, and Aitu answers a second poll of a token with 409.
package pollease

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/store"
)

// DefaultTTL is a lease's time to live when the poller sets none. A poller
// renews its lease before each poll, so one poll and the handling of what
// it brought must take less: a poller that holds its lease longer may
// find another instance polling too, and the bot's deduplication then
// keeps an update from being handled twice.
const DefaultTTL = 2 * time.Minute

// Lease is one poller's claim on an account. The zero value, and a Lease
// with a nil Locker, always holds: a single instance needs no lease.
type Lease struct {
	locker store.Locker
	name   string
	owner  string
	ttl    time.Duration
	log    *slog.Logger
	held   bool
	warned bool
}

// New returns the lease name on l for a new owner, ttl long (DefaultTTL
// when zero or less). A nil l gives a Lease that always holds.
func New(l store.Locker, name string, ttl time.Duration, log *slog.Logger) *Lease {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if log == nil {
		log = slog.Default()
	}
	return &Lease{locker: l, name: name, owner: uuid.NewString(), ttl: ttl, log: log}
}

// Hold returns once the poller holds the lease, taking it or renewing it;
// while another owner holds it, it tries again every third of the ttl. It
// returns ctx's error when ctx ends first. A failing Locker is tried again
// in the same rhythm: no lease, no poll.
func (l *Lease) Hold(ctx context.Context) error {
	if l == nil || l.locker == nil {
		return nil
	}
	for {
		ok, err := l.locker.Acquire(ctx, l.name, l.owner, l.ttl)
		switch {
		case err != nil && ctx.Err() == nil:
			l.log.Warn("cardbot: poller lease failed; not polling", "lease", l.name, "error", err)
		case ok:
			if !l.held {
				l.log.Info("cardbot: poller holds the lease; polling", "lease", l.name)
			}
			l.held, l.warned = true, false
			return nil
		default:
			if l.held || !l.warned {
				l.log.Info("cardbot: another instance polls; waiting for the lease", "lease", l.name)
			}
			l.held, l.warned = false, true
		}
		if err := retry.Sleep(ctx, l.ttl/3); err != nil {
			return err
		}
	}
}

// Release gives the lease up, so that another instance polls at once
// instead of after the ttl. ctx may have ended: the release gets a few
// seconds of its own.
func (l *Lease) Release(ctx context.Context) {
	if l == nil || l.locker == nil || !l.held {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.locker.Release(ctx, l.name, l.owner); err != nil {
		l.log.Warn("cardbot: poller lease not released; it expires", "lease", l.name, "error", err)
	}
	l.held = false
}
