package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/store"
)

// handle runs a key through Begin and End as Dispatch does.
func handle(t *testing.T, s store.DedupStore, key string, ok bool) store.DedupState {
	t.Helper()
	st, err := s.Begin(context.Background(), key)
	require.NoError(t, err)
	if st == store.DedupNew {
		require.NoError(t, s.End(context.Background(), key, ok))
	}
	return st
}

func state(t *testing.T, s store.DedupStore, key string) store.DedupState {
	t.Helper()
	st, err := s.Begin(context.Background(), key)
	require.NoError(t, err)
	if st == store.DedupNew {
		require.NoError(t, s.End(context.Background(), key, false)) // only looking
	}
	return st
}

func TestMemoryDedupStore(t *testing.T) {
	t.Run("a failure is forgotten, a success remembered", func(t *testing.T) {
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 4, TTL: time.Hour})
		assert.Equal(t, store.DedupNew, handle(t, s, "k", false))
		assert.Equal(t, store.DedupNew, handle(t, s, "k", true))
		assert.Equal(t, store.DedupDone, state(t, s, "k"))
	})
	t.Run("bounded: the key handled longest ago goes first", func(t *testing.T) {
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 3, TTL: time.Hour})
		for i := range 5 {
			handle(t, s, fmt.Sprint(i), true)
		}
		want := []store.DedupState{store.DedupNew, store.DedupNew, store.DedupDone, store.DedupDone, store.DedupDone}
		for i, w := range want {
			assert.Equal(t, w, state(t, s, fmt.Sprint(i)), "key %d", i)
		}
	})
	t.Run("eviction spares a key in flight", inBubble(func(t *testing.T) { // the TTL passes on the bubble's clock
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 2, TTL: 10 * time.Millisecond})
		handle(t, s, "a", true) // slot 0
		handle(t, s, "b", true) // slot 1
		time.Sleep(20 * time.Millisecond)
		st, _ := s.Begin(context.Background(), "a") // expired: new, in flight, keeps slot 0
		require.Equal(t, store.DedupNew, st)
		handle(t, s, "c", true) // takes slot 0 from a
		assert.Equal(t, store.DedupInFlight, state(t, s, "a"), "a is still in flight")
		require.NoError(t, s.End(context.Background(), "a", true))
		assert.Equal(t, store.DedupDone, state(t, s, "a"))
		assert.Equal(t, store.DedupDone, state(t, s, "c"))
	}))
	t.Run("an expired key handled again keeps one slot", inBubble(func(t *testing.T) { // the TTL passes on the bubble's clock
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 2, TTL: 10 * time.Millisecond})
		handle(t, s, "a", true)
		time.Sleep(20 * time.Millisecond)
		handle(t, s, "a", true) // back in its own slot, not a second one
		handle(t, s, "b", true)
		assert.Equal(t, store.DedupDone, state(t, s, "a"), "a was not pushed out by its own copy")
		assert.Equal(t, store.DedupDone, state(t, s, "b"))
	}))
	t.Run("End of a key not begun is harmless", func(t *testing.T) {
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 2, TTL: time.Hour})
		require.NoError(t, s.End(context.Background(), "never", true))
		assert.Equal(t, store.DedupNew, state(t, s, "never"))
	})
}

// TestInFlightLease: an in-flight mark lasts the lease set, and the
// default lease when the one given is zero or less.
func TestInFlightLease(t *testing.T) {
	tests := []struct {
		name  string
		lease time.Duration
		want  store.DedupState // of a second Begin 20ms after the first
	}{
		{"short lease runs out", time.Millisecond, store.DedupNew},
		{"zero is the default lease", 0, store.DedupInFlight},
		{"negative is the default lease", -time.Second, store.DedupInFlight},
	}
	for _, tt := range tests {
		t.Run(tt.name, inBubble(func(t *testing.T) { // the 20ms pass on the bubble's clock
			s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 4, TTL: time.Hour, InFlightLease: tt.lease})
			ctx := t.Context()
			st, err := s.Begin(ctx, "k") // and no End: a handling that died
			require.NoError(t, err)
			require.Equal(t, store.DedupNew, st)
			time.Sleep(20 * time.Millisecond)
			assert.Equal(t, tt.want, state(t, s, "k"))
		}))
	}
}
