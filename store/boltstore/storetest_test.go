package boltstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/cardbot/cardbot/store/storetest"
	"github.com/stretchr/testify/require"
)

// TestConformance runs the conformance suite of the stores. A restart
// closes the file and opens it again; a crash closes it under Consume and
// whatever it delivered.
func TestConformance(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		dbs = make(map[store.Queue]*boltstore.DB)
	)
	openQueue := func(t *testing.T, path string) store.Queue {
		db := open(t, path, boltstore.Options{})
		mu.Lock()
		dbs[db.Queue()] = db
		mu.Unlock()
		return db.Queue()
	}
	dbOf := func(q store.Queue) *boltstore.DB {
		mu.Lock()
		defer mu.Unlock()
		return dbs[q]
	}

	t.Run("Queue", func(t *testing.T) {
		t.Parallel()
		storetest.TestQueue(t, func(t *testing.T) store.Queue {
			return openQueue(t, tempPath(t))
		}, storetest.QueueOptions{
			Reopen: func(t *testing.T, q store.Queue) store.Queue {
				db := dbOf(q)
				require.NoError(t, db.Close())
				return openQueue(t, db.Path())
			},
			Crash: func(t *testing.T, q store.Queue) {
				require.NoError(t, dbOf(q).Close())
			},
		})
	})
	t.Run("DedupStore", func(t *testing.T) {
		t.Parallel()
		storetest.TestDedupStore(t, func(t *testing.T, lease time.Duration) store.DedupStore {
			return open(t, tempPath(t), boltstore.Options{InFlightLease: lease}).DedupStore()
		})
	})
	t.Run("Locker", func(t *testing.T) {
		t.Parallel()
		storetest.TestLocker(t, func(t *testing.T) store.Locker {
			return open(t, tempPath(t), boltstore.Options{}).Locker()
		})
	})
	t.Run("StateStore", func(t *testing.T) {
		t.Parallel()
		first, reopen := reopenable(func(db *boltstore.DB) store.StateStore { return db.StateStore() })
		storetest.TestStateStore(t, first, storetest.StateOptions{Reopen: reopen})
	})
	t.Run("SendLedger", func(t *testing.T) {
		t.Parallel()
		first, reopen := reopenable(func(db *boltstore.DB) store.SendLedger { return db.SendLedger() })
		storetest.TestSendLedger(t, first, storetest.LedgerOptions{Reopen: reopen})
	})
}

// reopenable returns, for the store of kind S that of takes from a file
// store, how the suite opens one on a new file and reopens one: its file
// closed and opened again.
func reopenable[S comparable](of func(*boltstore.DB) S) (first func(*testing.T) S, reopen func(*testing.T, S) S) {
	var mu sync.Mutex
	dbs := make(map[S]*boltstore.DB)
	track := func(db *boltstore.DB) S {
		s := of(db)
		mu.Lock()
		defer mu.Unlock()
		dbs[s] = db
		return s
	}
	first = func(t *testing.T) S {
		return track(open(t, tempPath(t), boltstore.Options{NoSync: true}))
	}
	reopen = func(t *testing.T, s S) S {
		mu.Lock()
		db := dbs[s]
		mu.Unlock()
		require.NoError(t, db.Close())
		return track(open(t, db.Path(), boltstore.Options{NoSync: true}))
	}
	return first, reopen
}
