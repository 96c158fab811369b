package boltstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/cardbot/cardbot/store/storetest"
	"github.com/stretchr/testify/require"
)

// TestConformance runs the conformance suite of the stores. A restart
// closes the file and opens it again; a crash closes it under Consume and
// whatever it delivered.
func TestConformance(t *testing.T) {
	var (
		mu  sync.Mutex
		dbs = make(map[cardbot.Queue]*boltstore.DB)
	)
	openQueue := func(t *testing.T, path string) cardbot.Queue {
		db := open(t, path, boltstore.Options{})
		mu.Lock()
		dbs[db.Queue()] = db
		mu.Unlock()
		return db.Queue()
	}
	dbOf := func(q cardbot.Queue) *boltstore.DB {
		mu.Lock()
		defer mu.Unlock()
		return dbs[q]
	}

	t.Run("Queue", func(t *testing.T) {
		storetest.TestQueue(t, func(t *testing.T) cardbot.Queue {
			return openQueue(t, tempPath(t))
		}, storetest.QueueOptions{
			Reopen: func(t *testing.T, q cardbot.Queue) cardbot.Queue {
				db := dbOf(q)
				require.NoError(t, db.Close())
				return openQueue(t, db.Path())
			},
			Crash: func(t *testing.T, q cardbot.Queue) {
				require.NoError(t, dbOf(q).Close())
			},
		})
	})
	t.Run("DedupStore", func(t *testing.T) {
		storetest.TestDedupStore(t, func(t *testing.T, lease time.Duration) cardbot.DedupStore {
			return open(t, tempPath(t), boltstore.Options{InFlightLease: lease}).DedupStore()
		})
	})
	t.Run("Locker", func(t *testing.T) {
		storetest.TestLocker(t, func(t *testing.T) cardbot.Locker {
			return open(t, tempPath(t), boltstore.Options{}).Locker()
		})
	})
	t.Run("StateStore", func(t *testing.T) {
		var (
			mu    sync.Mutex
			dbs   = make(map[cardbot.StateStore]*boltstore.DB)
			track = func(db *boltstore.DB) cardbot.StateStore {
				mu.Lock()
				defer mu.Unlock()
				dbs[db.StateStore()] = db
				return db.StateStore()
			}
		)
		storetest.TestStateStore(t, func(t *testing.T) cardbot.StateStore {
			return track(open(t, tempPath(t), boltstore.Options{NoSync: true}))
		}, storetest.StateOptions{
			Reopen: func(t *testing.T, s cardbot.StateStore) cardbot.StateStore {
				mu.Lock()
				db := dbs[s]
				mu.Unlock()
				require.NoError(t, db.Close())
				return track(open(t, db.Path(), boltstore.Options{NoSync: true}))
			},
		})
	})
	t.Run("SendLedger", func(t *testing.T) {
		var (
			mu    sync.Mutex
			dbs   = make(map[cardbot.SendLedger]*boltstore.DB)
			track = func(db *boltstore.DB) cardbot.SendLedger {
				mu.Lock()
				defer mu.Unlock()
				dbs[db.SendLedger()] = db
				return db.SendLedger()
			}
		)
		storetest.TestSendLedger(t, func(t *testing.T) cardbot.SendLedger {
			return track(open(t, tempPath(t), boltstore.Options{NoSync: true}))
		}, storetest.LedgerOptions{
			Reopen: func(t *testing.T, l cardbot.SendLedger) cardbot.SendLedger {
				mu.Lock()
				db := dbs[l]
				mu.Unlock()
				require.NoError(t, db.Close())
				return track(open(t, db.Path(), boltstore.Options{NoSync: true}))
			},
		})
	})
}
