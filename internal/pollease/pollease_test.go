package pollease

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// brokenLocker fails every call.
type brokenLocker struct{}

func (brokenLocker) Acquire(context.Context, string, string, time.Duration) (bool, error) {
	return false, errors.New("store down")
}
func (brokenLocker) Release(context.Context, string, string) error { return errors.New("store down") }

func TestHold(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	const ttl = 60 * time.Millisecond
	t.Run("no locker: always held", func(t *testing.T) {
		require.NoError(t, New(nil, "x", 0, quiet).Hold(t.Context()))
		var l *Lease
		require.NoError(t, l.Hold(t.Context()))
		l.Release(t.Context())
	})
	t.Run("a failing locker: no lease, no poll", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 3*ttl)
		defer cancel()
		require.ErrorIs(t, New(brokenLocker{}, "x", ttl, quiet).Hold(ctx), context.DeadlineExceeded)
	})
	t.Run("taken in turn", func(t *testing.T) {
		locker := store.NewMemoryLocker()
		a, b := New(locker, "acct", ttl, quiet), New(locker, "acct", ttl, quiet)
		require.NoError(t, a.Hold(t.Context()))
		require.NoError(t, a.Hold(t.Context()), "renewed by its holder")
		ctx, cancel := context.WithTimeout(t.Context(), ttl/2)
		defer cancel()
		require.ErrorIs(t, b.Hold(ctx), context.DeadlineExceeded, "held by a")
		a.Release(t.Context())
		begin := time.Now()
		require.NoError(t, b.Hold(t.Context()))
		assert.Less(t, time.Since(begin), ttl, "free at once after the release")
	})
	t.Run("an expired lease is free", func(t *testing.T) {
		locker := store.NewMemoryLocker()
		a, b := New(locker, "acct", ttl, quiet), New(locker, "acct", ttl, quiet)
		require.NoError(t, a.Hold(t.Context()))
		ctx, cancel := context.WithTimeout(t.Context(), 5*ttl)
		defer cancel()
		require.NoError(t, b.Hold(ctx), "a stopped renewing")
	})
}
