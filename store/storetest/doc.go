// Package storetest is the conformance suite of cardbot's stores: every
// store.Queue, store.DedupStore, store.Locker, store.StateStore
// and store.SendLedger (the in-memory ones of package cardbot, boltstore's, redisstore's, and
// any other) runs it from its own tests, as a net.Conn runs
// golang.org/x/net/nettest.TestConn.
// What the suite checks is what the doc comments of those interfaces
// promise (TestQueue says how it reads them where they leave room): a
// backend that passes it can stand behind a Bot.
//
// A backend's test calls one function per interface with a factory that
// returns a new, empty store for each subtest:
//
//	func TestQueue(t *testing.T) {
//		storetest.TestQueue(t, func(t *testing.T) store.Queue {
//			return store.NewMemoryQueue(4096, time.Second)
//		}, storetest.QueueOptions{})
//	}
//
//	func TestDedupStore(t *testing.T) {
//		storetest.TestDedupStore(t, func(t *testing.T, lease time.Duration) store.DedupStore {
//			return store.NewMemoryDedupStore(store.MemoryDedupConfig{InFlightLease: lease})
//		})
//	}
//
//	func TestLocker(t *testing.T) {
//		storetest.TestLocker(t, func(t *testing.T) store.Locker {
//			return store.NewMemoryLocker()
//		})
//	}
//
//	func TestStateStore(t *testing.T) {
//		storetest.TestStateStore(t, func(t *testing.T) store.StateStore {
//			return store.NewMemoryStateStore()
//		}, storetest.StateOptions{})
//	}
//
//	func TestSendLedger(t *testing.T) {
//		storetest.TestSendLedger(t, func(t *testing.T) store.SendLedger {
//			return store.NewMemorySendLedger(0)
//		}, storetest.LedgerOptions{})
//	}
//
// A Queue that keeps its entries across restarts, or that several
// processes share, says so in QueueOptions, and the suite then also checks
// what survives a restart, a crash, and a consumer taken over by another;
// a StateStore that keeps its records across restarts gives
// StateOptions.Reopen.
//
// Each check is a subtest (t.Run), so one can be run alone with go test
// -run 'TestQueue/Release'. The subtests run in parallel (t.Parallel),
// each on a store of its own: a factory is called from several goroutines
// at once, the stores it returns must not share their storage (a Redis
// store takes a key prefix of its own, a file store a file of its own),
// and they are cleaned up with t.Cleanup, not defer, since the suite's
// functions return before their subtests have run. The suite waits for
// events rather than sleeping where it can, and every wait is bounded: a
// broken backend fails with a message that says what it did, rather than
// hanging. Against the in-memory stores the whole suite takes about a
// second.
package storetest
