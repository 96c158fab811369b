package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
)

// TestLocker runs the conformance suite of store.Locker, one subtest per
// promise. newLocker returns a new Locker that holds no lease; it should
// clean up with t.Cleanup.
func TestLocker(t *testing.T, newLocker func(t *testing.T) store.Locker) {
	const long = time.Minute
	t.Run("AcquireAndRenew", func(t *testing.T) {
		t.Parallel()
		l := locker{t, newLocker(t)}
		l.acquire("poller:1", "a", long, true)
		l.acquire("poller:1", "b", long, false)
		l.acquire("poller:1", "a", long, true) // renewed
		l.acquire("poller:1", "b", long, false)
		l.acquire("poller:2", "b", long, true) // another name
		l.acquire("poller:1:", "b", long, true)
		l.acquire("poller:1", "b", long, false)
	})
	t.Run("Release", func(t *testing.T) {
		t.Parallel()
		l := locker{t, newLocker(t)}
		l.acquire("poller", "a", long, true)
		l.release("poller", "b") // not the owner: nothing
		l.acquire("poller", "b", long, false)
		l.release("poller", "a")
		l.acquire("poller", "b", long, true)
		l.release("poller", "a") // no longer the owner: nothing
		l.acquire("poller", "a", long, false)
		l.release("free", "a") // held by nobody
		l.acquire("free", "b", long, true)
	})
	t.Run("Expiry", func(t *testing.T) {
		t.Parallel()
		const ttl = 200 * time.Millisecond
		l := locker{t, newLocker(t)}
		l.acquire("poller", "a", ttl, true)
		l.acquire("poller", "b", long, false)
		time.Sleep(ttl)
		deadline := time.Now().Add(baseBound)
		for {
			ok, err := l.l.Acquire(context.Background(), "poller", "b", long)
			if err != nil {
				t.Fatalf("Acquire: %v", err)
			}
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a lease of %v not renewed was still held %v after its time to live", ttl, baseBound)
			}
			time.Sleep(10 * time.Millisecond)
		}
		l.acquire("poller", "a", long, false) // b holds it now
	})
	t.Run("RenewalExtends", func(t *testing.T) {
		t.Parallel()
		const ttl = 300 * time.Millisecond
		l := locker{t, newLocker(t)}
		l.acquire("poller", "a", ttl, true)
		time.Sleep(ttl * 2 / 3)
		l.acquire("poller", "a", ttl, true)
		time.Sleep(ttl / 2) // past the first time to live, within the second
		l.acquire("poller", "b", long, false)
	})
	t.Run("ConcurrentAcquirers", func(t *testing.T) {
		t.Parallel()
		l := locker{t, newLocker(t)}
		const goroutines = 16
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			won   []string
			start = make(chan struct{})
		)
		for i := range goroutines {
			wg.Go(func() {
				owner := fmt.Sprint("owner-", i)
				<-start
				ok, err := l.l.Acquire(context.Background(), "poller", owner, long)
				if err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				if ok {
					mu.Lock()
					won = append(won, owner)
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if len(won) != 1 {
			t.Fatalf("%d of %d owners acquiring one lease at once got it (%v); want 1", len(won), goroutines, won)
		}
		l.acquire("poller", won[0], long, true)
	})
}

// locker is a Locker under test.
type locker struct {
	t *testing.T
	l store.Locker
}

func (l locker) acquire(name, owner string, ttl time.Duration, want bool) {
	l.t.Helper()
	ok, err := l.l.Acquire(context.Background(), name, owner, ttl)
	if err != nil {
		l.t.Fatalf("Acquire(%q, %q, %v): %v", name, owner, ttl, err)
	}
	if ok != want {
		l.t.Fatalf("Acquire(%q, %q, %v) reported %v; want %v", name, owner, ttl, ok, want)
	}
}

func (l locker) release(name, owner string) {
	l.t.Helper()
	if err := l.l.Release(context.Background(), name, owner); err != nil {
		l.t.Fatalf("Release(%q, %q): %v", name, owner, err)
	}
}
