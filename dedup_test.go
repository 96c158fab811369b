package cardbot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// handle runs a key through Begin and End as Dispatch does.
func handle(t *testing.T, s cardbot.DedupStore, key string, ok bool) cardbot.DedupState {
	t.Helper()
	st, err := s.Begin(context.Background(), key)
	require.NoError(t, err)
	if st == cardbot.DedupNew {
		require.NoError(t, s.End(context.Background(), key, ok))
	}
	return st
}

func state(t *testing.T, s cardbot.DedupStore, key string) cardbot.DedupState {
	t.Helper()
	st, err := s.Begin(context.Background(), key)
	require.NoError(t, err)
	if st == cardbot.DedupNew {
		require.NoError(t, s.End(context.Background(), key, false)) // only looking
	}
	return st
}

func TestMemoryDedupStore(t *testing.T) {
	t.Run("a failure is forgotten, a success remembered", func(t *testing.T) {
		s := cardbot.NewMemoryDedupStore(4, time.Hour)
		assert.Equal(t, cardbot.DedupNew, handle(t, s, "k", false))
		assert.Equal(t, cardbot.DedupNew, handle(t, s, "k", true))
		assert.Equal(t, cardbot.DedupDone, state(t, s, "k"))
	})
	t.Run("bounded: the key handled longest ago goes first", func(t *testing.T) {
		s := cardbot.NewMemoryDedupStore(3, time.Hour)
		for i := range 5 {
			handle(t, s, fmt.Sprint(i), true)
		}
		want := []cardbot.DedupState{cardbot.DedupNew, cardbot.DedupNew, cardbot.DedupDone, cardbot.DedupDone, cardbot.DedupDone}
		for i, w := range want {
			assert.Equal(t, w, state(t, s, fmt.Sprint(i)), "key %d", i)
		}
	})
	t.Run("eviction spares a key in flight", inBubble(func(t *testing.T) { // the TTL passes on the bubble's clock
		s := cardbot.NewMemoryDedupStore(2, 10*time.Millisecond)
		handle(t, s, "a", true) // slot 0
		handle(t, s, "b", true) // slot 1
		time.Sleep(20 * time.Millisecond)
		st, _ := s.Begin(context.Background(), "a") // expired: new, in flight, keeps slot 0
		require.Equal(t, cardbot.DedupNew, st)
		handle(t, s, "c", true) // takes slot 0 from a
		assert.Equal(t, cardbot.DedupInFlight, state(t, s, "a"), "a is still in flight")
		require.NoError(t, s.End(context.Background(), "a", true))
		assert.Equal(t, cardbot.DedupDone, state(t, s, "a"))
		assert.Equal(t, cardbot.DedupDone, state(t, s, "c"))
	}))
	t.Run("an expired key handled again keeps one slot", inBubble(func(t *testing.T) { // the TTL passes on the bubble's clock
		s := cardbot.NewMemoryDedupStore(2, 10*time.Millisecond)
		handle(t, s, "a", true)
		time.Sleep(20 * time.Millisecond)
		handle(t, s, "a", true) // back in its own slot, not a second one
		handle(t, s, "b", true)
		assert.Equal(t, cardbot.DedupDone, state(t, s, "a"), "a was not pushed out by its own copy")
		assert.Equal(t, cardbot.DedupDone, state(t, s, "b"))
	}))
	t.Run("End of a key not begun is harmless", func(t *testing.T) {
		s := cardbot.NewMemoryDedupStore(2, time.Hour)
		require.NoError(t, s.End(context.Background(), "never", true))
		assert.Equal(t, cardbot.DedupNew, state(t, s, "never"))
	})
}
