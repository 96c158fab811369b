package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
)

// TestDedupStore runs the conformance suite of store.DedupStore, one
// subtest per promise. newStore returns a new, empty store whose
// in-flight mark lasts lease without End (the store's
// DefaultInFlightLease, or its option of that name); it should clean up
// with t.Cleanup. The suite asks for a lease of a minute, except where it
// waits for one to pass: then a fifth of a second.
func TestDedupStore(t *testing.T, newStore func(t *testing.T, lease time.Duration) store.DedupStore) {
	const long, short = time.Minute, 200 * time.Millisecond
	t.Run("BeginMarksInFlight", func(t *testing.T) {
		t.Parallel()
		s := dedupStore{t, newStore(t, long)}
		s.begin("alpha\x00k1", store.DedupNew)
		s.begin("alpha\x00k1", store.DedupInFlight)
		s.begin("alpha\x00k1", store.DedupInFlight)
		s.begin("alpha\x00k2", store.DedupNew) // another key
		s.end("alpha\x00k2", true)
		s.begin("alpha\x00k1", store.DedupInFlight) // the End of another key does not end it
	})
	t.Run("FailureIsForgotten", func(t *testing.T) {
		t.Parallel()
		s := dedupStore{t, newStore(t, long)}
		s.begin("alpha\x00k", store.DedupNew)
		s.end("alpha\x00k", false)
		s.begin("alpha\x00k", store.DedupNew)
		s.begin("alpha\x00k", store.DedupInFlight)
		s.end("alpha\x00k", false)
		s.begin("alpha\x00k", store.DedupNew)
	})
	t.Run("SuccessIsRemembered", func(t *testing.T) {
		t.Parallel()
		s := dedupStore{t, newStore(t, long)}
		s.begin("alpha\x00k", store.DedupNew)
		s.end("alpha\x00k", true)
		s.begin("alpha\x00k", store.DedupDone)
		s.begin("alpha\x00k", store.DedupDone)
		s.begin("alpha\x00other", store.DedupNew)
		s.end("alpha\x00other", false)
		s.begin("alpha\x00k", store.DedupDone)
	})
	t.Run("KeysAreDistinct", func(t *testing.T) {
		t.Parallel()
		s := dedupStore{t, newStore(t, long)}
		keys := []string{
			"alpha\x00k", "alpha\x00k2", "alpha\x00k\x00", "alphak", "beta\x00k", "alpha\x00K",
			"alpha\x00{k}:*", "alpha\x00ключ ✓", "alpha\x00\xff\xfe",
			"alpha\x00" + strings.Repeat("x", 4096), "alpha\x00" + strings.Repeat("x", 4095) + "y",
		}
		for _, k := range keys {
			s.begin(k, store.DedupNew)
		}
		for i, k := range keys {
			s.end(k, i%2 == 0)
		}
		for i, k := range keys {
			if i%2 == 0 {
				s.begin(k, store.DedupDone)
			} else {
				s.begin(k, store.DedupNew)
			}
		}
	})
	t.Run("InFlightLeaseExpires", func(t *testing.T) {
		t.Parallel()
		s := dedupStore{t, newStore(t, short)}
		s.begin("alpha\x00left", store.DedupNew) // and never ended
		s.begin("alpha\x00left", store.DedupInFlight)
		s.begin("alpha\x00handled", store.DedupNew)
		s.end("alpha\x00handled", true)
		time.Sleep(short)
		deadline := time.Now().Add(baseBound)
		for {
			st, err := s.s.Begin(context.Background(), "alpha\x00left")
			if err != nil {
				t.Fatalf("Begin: %v", err)
			}
			if st == store.DedupNew {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Begin of a key left in flight returned %s for %v after its lease of %v passed; want DedupNew", stateName(st), baseBound, short)
			}
			time.Sleep(10 * time.Millisecond)
		}
		s.begin("alpha\x00left", store.DedupInFlight) // in flight again
		s.begin("alpha\x00handled", store.DedupDone)  // the lease is not the time to live of a handled key
		s.end("alpha\x00left", true)
		s.begin("alpha\x00left", store.DedupDone)
	})
	t.Run("ConcurrentBegins", func(t *testing.T) {
		t.Parallel()
		s := dedupStore{t, newStore(t, long)}
		const goroutines = 32
		// beginAll begins each key from goroutines at once, and returns
		// how many of each state the Begins of each key returned.
		beginAll := func(keys ...string) map[string][3]int {
			var (
				wg    sync.WaitGroup
				mu    sync.Mutex
				start = make(chan struct{})
				count = make(map[string][3]int)
			)
			for _, k := range keys {
				for range goroutines {
					wg.Go(func() {
						<-start
						st, err := s.s.Begin(context.Background(), k)
						if err != nil {
							t.Errorf("Begin: %v", err)
							return
						}
						mu.Lock()
						defer mu.Unlock()
						c := count[k]
						c[st]++
						count[k] = c
					})
				}
			}
			close(start)
			wg.Wait()
			return count
		}
		keys := make([]string, 8)
		for i := range keys {
			keys[i] = fmt.Sprint("alpha\x00k", i)
		}
		check := func(when string, want [3]int) {
			t.Helper()
			for k, got := range beginAll(keys...) {
				if got != want {
					t.Errorf("%s, %d Begins of %q at once returned DedupNew, DedupInFlight and DedupDone %v times; want %v",
						when, goroutines, k, got, want)
				}
			}
		}
		check("on a new key", [3]int{1, goroutines - 1, 0})
		for _, k := range keys {
			s.end(k, false)
		}
		check("on a key whose handling failed", [3]int{1, goroutines - 1, 0})
		for _, k := range keys {
			s.end(k, true)
		}
		check("on a key handled", [3]int{0, 0, goroutines})
	})
}

// dedupStore is a DedupStore under test.
type dedupStore struct {
	t *testing.T
	s store.DedupStore
}

func (s dedupStore) begin(key string, want store.DedupState) {
	s.t.Helper()
	st, err := s.s.Begin(context.Background(), key)
	if err != nil {
		s.t.Fatalf("Begin(%q): %v", show([]byte(key)), err)
	}
	if st != want {
		s.t.Fatalf("Begin(%q) returned %s; want %s", show([]byte(key)), stateName(st), stateName(want))
	}
}

func (s dedupStore) end(key string, handled bool) {
	s.t.Helper()
	if err := s.s.End(context.Background(), key, handled); err != nil {
		s.t.Fatalf("End(%q, %v): %v", show([]byte(key)), handled, err)
	}
}

func stateName(st store.DedupState) string {
	switch st {
	case store.DedupNew:
		return "DedupNew"
	case store.DedupInFlight:
		return "DedupInFlight"
	case store.DedupDone:
		return "DedupDone"
	}
	return fmt.Sprintf("DedupState(%d)", st)
}
