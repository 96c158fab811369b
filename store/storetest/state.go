package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// StateOptions says what a StateStore keeps beyond one value.
type StateOptions struct {
	// Reopen, when set, returns a new value of the store s on the same
	// storage, as after a restart (the file closed and opened again, a new
	// Redis client); the suite then checks that records survive it. The
	// old value is not used afterwards.
	Reopen func(t *testing.T, s store.StateStore) store.StateStore
}

// TestStateStore runs the conformance suite of store.StateStore, one
// subtest per promise of its doc comment. newStore returns a new, empty
// store; it should clean up with t.Cleanup.
func TestStateStore(t *testing.T, newStore func(t *testing.T) store.StateStore, opts StateOptions) {
	const long = time.Hour
	t.Run("LoadMissing", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		assert.Equal(t, store.StateRecord{}, s.load("c\x00alpha\x00nobody"))
	})
	t.Run("SaveAndLoad", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		rec := store.StateRecord{State: "ask_list", Data: []byte(`{"n":1}`), Update: "alpha\x00k1"}
		v := s.save("k", rec, long)
		require.NotZero(t, v, "Save returned version 0 for a stored record")
		rec.Version = v
		assert.Equal(t, rec, s.load("k"))
		rec2 := store.StateRecord{State: "done", Version: v} // no data, no update
		v2 := s.save("k", rec2, long)
		assert.NotEqual(t, v, v2, "a second Save returned the version of the first")
		got := s.load("k")
		assert.Equal(t, "done", got.State)
		assert.Empty(t, got.Data)
		assert.Empty(t, got.Update)
		assert.Equal(t, v2, got.Version)
	})
	t.Run("CompareAndSet", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		v1 := s.save("k", store.StateRecord{State: "one"}, long)
		v2 := s.save("k", store.StateRecord{State: "two", Version: v1}, long)
		cases := []struct {
			name    string
			version uint64
		}{
			{"stale version", v1},
			{"none stored, says the record", 0},
			{"a version never given", v2 + 12345},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				s := stateStore{t, s.s}
				s.conflict("k", store.StateRecord{State: "lost", Version: tc.version})
				s.conflict("k", store.StateRecord{Version: tc.version}) // a delete too
				got := s.load("k")
				assert.Equal(t, "two", got.State, "a Save that lost its compare-and-set changed the record")
				assert.Equal(t, v2, got.Version)
			})
		}
		s.conflict("missing", store.StateRecord{State: "x", Version: v2})
		assert.Equal(t, store.StateRecord{}, s.load("missing"))
	})
	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		v1 := s.save("k", store.StateRecord{State: "one", Data: []byte(`1`)}, long)
		assert.Zero(t, s.save("k", store.StateRecord{Version: v1}, long), "Save of an empty record must return 0")
		assert.Equal(t, store.StateRecord{}, s.load("k"))
		v2 := s.save("k", store.StateRecord{State: "again"}, long)
		assert.NotEqual(t, v1, v2, "a record saved after a delete took the version of the deleted one")
		// A record with only an Update is kept: it names the update that
		// ended a conversation.
		v3 := s.save("k", store.StateRecord{Update: "alpha\x00last", Version: v2}, long)
		require.NotZero(t, v3)
		assert.Equal(t, store.StateRecord{Update: "alpha\x00last", Version: v3}, s.load("k"))
	})
	t.Run("KeysAreDistinct", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		keys := []string{
			"c\x00alpha\x00chat", "c\x00alpha\x00chat\x00", "c\x00alpha\x00cha", "c\x00beta\x00chat",
			"m\x00alpha\x00chat\x00user", "u\x00alpha\x00user", "c\x00alpha\x00{chat}:*",
			"c\x00alpha\x00чат ✓", "c\x00alpha\x00\xff\xfe", "c\x00alpha\x00" + strings.Repeat("x", 4096),
		}
		for i, k := range keys {
			s.save(k, store.StateRecord{State: k, Data: []byte{'[', byte('0' + i%10), ']'}}, long)
		}
		for i, k := range keys {
			got := s.load(k)
			assert.Equal(t, k, got.State, "key %d", i)
			assert.Equal(t, []byte{'[', byte('0' + i%10), ']'}, got.Data, "key %d", i)
		}
	})
	t.Run("TimeToLive", func(t *testing.T) {
		t.Parallel()
		// Long enough that a loaded machine does not pass it between a
		// Save and the Load that checks it is still there.
		const ttl = time.Second
		s := stateStore{t, newStore(t)}
		s.save("short", store.StateRecord{State: "a"}, ttl)
		s.save("forever", store.StateRecord{State: "b"}, 0)
		v := s.save("renewed", store.StateRecord{State: "c"}, ttl)
		time.Sleep(ttl / 2)
		s.save("renewed", store.StateRecord{State: "c2", Version: v}, long)
		assert.Equal(t, "a", s.load("short").State, "a record expired before its time to live")
		require.Eventually(t, func() bool { return s.load("short").Version == 0 }, baseBound, 10*time.Millisecond,
			"a record was still there %v after its time to live of %v", baseBound, ttl)
		assert.Equal(t, store.StateRecord{}, s.load("short"))
		s.save("short", store.StateRecord{State: "new"}, long) // an expired record counts as none
		assert.Equal(t, "b", s.load("forever").State, "a record saved with no time to live expired")
		assert.Equal(t, "c2", s.load("renewed").State, "a Save did not set a new time to live")
	})
	t.Run("ConcurrentSaves", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		const goroutines = 16
		v := s.save("k", store.StateRecord{State: "start"}, long)
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			won   []string
			start = make(chan struct{})
		)
		for i := range goroutines {
			wg.Go(func() {
				name := string(rune('a' + i))
				<-start
				_, err := s.s.Save(context.Background(), "k", store.StateRecord{State: name, Version: v}, long)
				switch {
				case err == nil:
					mu.Lock()
					won = append(won, name)
					mu.Unlock()
				case !assert.ErrorIs(t, err, store.ErrStateConflict):
				}
			})
		}
		close(start)
		wg.Wait()
		require.Len(t, won, 1, "Saves of one loaded version at once that succeeded")
		assert.Equal(t, won[0], s.load("k").State)
	})
	t.Run("ContextEnded", func(t *testing.T) {
		t.Parallel()
		s := stateStore{t, newStore(t)}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		// A store may ignore ctx; one that heeds it must fail, not store
		// half.
		if _, err := s.s.Save(ctx, "k", store.StateRecord{State: "x"}, long); err != nil {
			assert.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, store.StateRecord{}, s.load("k"))
		}
	})
	if opts.Reopen != nil {
		t.Run("Reopen", func(t *testing.T) {
			t.Parallel()
			s := stateStore{t, newStore(t)}
			v := s.save("k", store.StateRecord{State: "ask_list", Data: []byte(`{"n":2}`), Update: "alpha\x00u"}, long)
			s.save("gone", store.StateRecord{State: "x"}, 200*time.Millisecond)
			r := stateStore{t, opts.Reopen(t, s.s)}
			assert.Equal(t, store.StateRecord{State: "ask_list", Data: []byte(`{"n":2}`), Update: "alpha\x00u", Version: v}, r.load("k"))
			r.conflict("k", store.StateRecord{State: "stale"})
			v2 := r.save("k", store.StateRecord{State: "next", Version: v}, long)
			assert.NotEqual(t, v, v2)
			require.Eventually(t, func() bool { return r.load("gone").Version == 0 }, baseBound, 10*time.Millisecond,
				"a record outlived its time to live across a reopen")
		})
	}
}

// stateStore is a StateStore under test.
type stateStore struct {
	t *testing.T
	s store.StateStore
}

func (s stateStore) load(key string) store.StateRecord {
	s.t.Helper()
	rec, err := s.s.Load(context.Background(), key)
	require.NoError(s.t, err, "Load(%q)", show([]byte(key)))
	if len(rec.Data) == 0 {
		rec.Data = nil // a store may give no data as nil or as empty
	}
	return rec
}

func (s stateStore) save(key string, rec store.StateRecord, ttl time.Duration) uint64 {
	s.t.Helper()
	v, err := s.s.Save(context.Background(), key, rec, ttl)
	require.NoError(s.t, err, "Save(%q, %+v)", show([]byte(key)), rec)
	return v
}

func (s stateStore) conflict(key string, rec store.StateRecord) {
	s.t.Helper()
	_, err := s.s.Save(context.Background(), key, rec, time.Hour)
	require.ErrorIs(s.t, err, store.ErrStateConflict, "Save(%q, %+v) at another version than stored", show([]byte(key)), rec)
	assert.True(s.t, retryable(err), "a conflict must be retryable: %v", err)
}

// retryable reports whether err, or an error it wraps, has a method
// Retryable() bool that reports true, as the bot recognizes a retryable
// error.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}
