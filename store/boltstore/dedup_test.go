package boltstore_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDedupStore(t *testing.T) {
	t.Parallel()
	type step struct {
		op   string // "begin", "end", "fail" (End not handled)
		want store.DedupState
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"new", []step{{"begin", store.DedupNew}}},
		{"in flight", []step{{"begin", store.DedupNew}, {"begin", store.DedupInFlight}, {"begin", store.DedupInFlight}}},
		{"done", []step{{"begin", store.DedupNew}, {"end", 0}, {"begin", store.DedupDone}}},
		{"failed", []step{{"begin", store.DedupNew}, {"fail", 0}, {"begin", store.DedupNew}}},
		{"end without begin", []step{{"end", 0}, {"begin", store.DedupNew}}},
		{"end twice", []step{{"begin", store.DedupNew}, {"end", 0}, {"fail", 0}, {"begin", store.DedupDone}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			db := open(t, path, boltstore.Options{})
			s := db.DedupStore()
			ctx := t.Context()
			var last store.DedupState
			for i, st := range tt.steps {
				switch st.op {
				case "begin":
					got, err := s.Begin(ctx, "greenapi\x00key")
					require.NoError(t, err)
					require.Equal(t, st.want, got, "step %d", i)
					last = got
				case "end", "fail":
					require.NoError(t, s.End(ctx, "greenapi\x00key", st.op == "end"))
				}
			}
			// The state outlives a restart (DedupNew left the key in flight).
			require.NoError(t, db.Close())
			db = open(t, path, boltstore.Options{})
			got, err := db.DedupStore().Begin(ctx, "greenapi\x00key")
			require.NoError(t, err)
			want := map[store.DedupState]store.DedupState{
				store.DedupNew: store.DedupInFlight, store.DedupInFlight: store.DedupInFlight, store.DedupDone: store.DedupDone,
			}[last]
			assert.Equal(t, want, got)
			assert.NotEqual(t, store.DedupNew, got)
		})
	}
}

func TestDedupStoreExpiry(t *testing.T) {
	t.Parallel()
	clk := boltstore.NewClock()
	db := openClock(t, tempPath(t), boltstore.Options{InFlightLease: time.Minute, DedupTTL: time.Hour}, clk)
	s := db.DedupStore()
	ctx := t.Context()
	begin := func(key string) store.DedupState {
		t.Helper()
		st, err := s.Begin(ctx, key)
		require.NoError(t, err)
		return st
	}

	// An in-flight mark whose End never came lapses after the lease.
	require.Equal(t, store.DedupNew, begin("lost"))
	require.Equal(t, store.DedupInFlight, begin("lost"))
	// A done mark lasts DedupTTL.
	require.Equal(t, store.DedupNew, begin("done"))
	require.NoError(t, s.End(ctx, "done", true))
	clk.Add(time.Minute - time.Nanosecond)
	require.Equal(t, store.DedupInFlight, begin("lost"))
	clk.Add(time.Nanosecond)
	require.Equal(t, store.DedupNew, begin("lost"), "the lease lapsed")
	require.Equal(t, store.DedupInFlight, begin("lost"), "a new lease")
	require.Equal(t, store.DedupDone, begin("done"))

	// An End after the lease lapsed does not mark the key done.
	require.Equal(t, store.DedupNew, begin("late"))
	clk.Add(time.Minute)
	require.NoError(t, s.End(ctx, "late", true))
	require.Equal(t, store.DedupNew, begin("late"))

	clk.Add(time.Hour - 2*time.Minute - time.Nanosecond) // the done mark was set an hour ago, to the nanosecond
	require.Equal(t, store.DedupDone, begin("done"))
	clk.Add(time.Nanosecond)
	require.Equal(t, store.DedupNew, begin("done"), "DedupTTL passed")
}

func TestDedupStoreErrors(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	s := db.DedupStore()
	_, err := s.Begin(t.Context(), "")
	assert.ErrorContains(t, err, "boltstore:")
	assert.Error(t, s.End(t.Context(), "", true))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = s.Begin(ctx, "k")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestDedupStoreIsNotPushDedup(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	ok, err := db.Queue().Push(t.Context(), store.Entry{Provider: "greenapi", ChatID: "c", Key: "k"})
	require.NoError(t, err)
	require.True(t, ok)
	st, err := db.DedupStore().Begin(t.Context(), "greenapi\x00k")
	require.NoError(t, err)
	assert.Equal(t, store.DedupNew, st, "a pushed key is not a handled one")
}

// TestLocker runs in a synctest bubble: the lease lapses on the bubble's
// clock.
func TestLocker(t *testing.T) { synctest.Test(t, locker) }

func locker(t *testing.T) {
	db := open(t, tempPath(t), boltstore.Options{})
	l := db.Locker()
	ctx := t.Context()
	acquire := func(name, owner string, ttl time.Duration) bool {
		t.Helper()
		ok, err := l.Acquire(ctx, name, owner, ttl)
		require.NoError(t, err)
		return ok
	}
	assert.True(t, acquire("poll", "a", time.Minute))
	assert.True(t, acquire("poll", "a", time.Minute), "renewed")
	assert.False(t, acquire("poll", "b", time.Minute))
	assert.True(t, acquire("other", "b", time.Minute))
	require.NoError(t, l.Release(ctx, "poll", "b"), "not b's: nothing")
	assert.False(t, acquire("poll", "b", time.Minute))
	require.NoError(t, l.Release(ctx, "poll", "a"))
	assert.True(t, acquire("poll", "b", 20*time.Millisecond))
	time.Sleep(30 * time.Millisecond)
	assert.True(t, acquire("poll", "a", time.Minute), "b's lease lapsed")
}
