package cardbot

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStateLockSweep holds more conversations than the sweep keeps, one
// of them all along: the free locks go, the held one stays and still
// excludes its conversation.
func TestStateLockSweep(t *testing.T) {
	k := newStateKeeper(StateConfig{Store: NewMemoryStateStore(), LockWait: DefaultStateLockWait})
	ctx := context.Background()
	held, err := k.hold(ctx, "kept")
	require.NoError(t, err)
	for i := range 3 * minSweep {
		h, err := k.hold(ctx, fmt.Sprint("c", i))
		require.NoError(t, err)
		k.release(ctx, h)
	}
	k.mu.Lock()
	n, kept := len(k.locks), k.locks["kept"]
	k.mu.Unlock()
	assert.Less(t, n, 2*minSweep, "the free locks were not swept")
	require.Same(t, held.l, kept, "a held lock was swept")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = k.hold(cancelled, "kept")
	require.ErrorIs(t, err, context.Canceled, "the held conversation must stay excluded")
	k.release(ctx, held)
	h, err := k.hold(ctx, "kept")
	require.NoError(t, err)
	k.release(ctx, h)
}

// TestMemoryStateStoreSweep: when the store doubled, the expired records
// go; the live ones stay, and the next sweep waits for the store to double
// again.
func TestMemoryStateStoreSweep(t *testing.T) { synctest.Test(t, memoryStateStoreSweep) }

// memoryStateStoreSweep runs in a synctest bubble: the short records
// expire on its clock.
func memoryStateStoreSweep(t *testing.T) {
	s := NewMemoryStateStore()
	ctx := context.Background()
	for i := range 1000 {
		_, err := s.Save(ctx, fmt.Sprint("short", i), StateRecord{State: "x"}, time.Nanosecond)
		require.NoError(t, err)
	}
	time.Sleep(time.Millisecond) // every short record has expired
	for i := range 100 {
		_, err := s.Save(ctx, fmt.Sprint("long", i), StateRecord{State: "y"}, time.Hour)
		require.NoError(t, err)
	}
	s.mu.Lock()
	n, next := len(s.recs), s.sweepAt
	s.mu.Unlock()
	assert.Less(t, n, 200, "the expired records were not swept")
	assert.Equal(t, 1024, next, "the next sweep waits for twice the records kept, 1024 at least")
	for i := range 100 {
		rec, err := s.Load(ctx, fmt.Sprint("long", i))
		require.NoError(t, err)
		assert.Equal(t, "y", rec.State, "a live record was swept")
	}
}
