package redisstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/cardbot/cardbot/store/storetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// TestConformance runs the stores through the shared suite on the test
// server.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance(t, func(t *testing.T) redis.UniversalClient { return redistest.Client(t) })
}

// conformance runs the stores through the shared suite, on the clients
// that client returns. Each Queue value has a client of its own, so that
// crashing one (closing its client) leaves the others working.
func conformance(t *testing.T, client func(t *testing.T) redis.UniversalClient) {
	var mu sync.Mutex
	type opened struct {
		cfg    redisstore.Config
		client redis.UniversalClient
	}
	queues := map[store.Queue]opened{}
	open := func(t *testing.T, cfg redisstore.Config) store.Queue {
		c := client(t)
		q, err := redisstore.NewQueue(c, cfg)
		require.NoError(t, err)
		mu.Lock()
		queues[q] = opened{cfg, c}
		mu.Unlock()
		return q
	}
	of := func(q store.Queue) opened {
		mu.Lock()
		defer mu.Unlock()
		return queues[q]
	}

	t.Run("Queue", func(t *testing.T) {
		t.Parallel()
		storetest.TestQueue(t, func(t *testing.T) store.Queue {
			return open(t, testConfig(t))
		}, storetest.QueueOptions{
			Reopen: func(t *testing.T, q store.Queue) store.Queue {
				return open(t, of(q).cfg)
			},
			Crash: func(t *testing.T, q store.Queue) {
				require.NoError(t, of(q).client.Close())
			},
			Shared:   true,
			LeaseTTL: testLease,
		})
	})
	t.Run("DedupStore", func(t *testing.T) {
		t.Parallel()
		storetest.TestDedupStore(t, func(t *testing.T, lease time.Duration) store.DedupStore {
			cfg := testConfig(t)
			cfg.InFlightLease = lease
			s, err := redisstore.NewDedupStore(client(t), cfg)
			require.NoError(t, err)
			return s
		})
	})
	t.Run("Locker", func(t *testing.T) {
		t.Parallel()
		storetest.TestLocker(t, func(t *testing.T) store.Locker {
			l, err := redisstore.NewLocker(client(t), testConfig(t))
			require.NoError(t, err)
			return l
		})
	})
	t.Run("StateStore", func(t *testing.T) {
		t.Parallel()
		first, reopen := reopenable(func(t *testing.T, cfg redisstore.Config) store.StateStore {
			s, err := redisstore.NewStateStore(client(t), cfg)
			require.NoError(t, err)
			return s
		})
		storetest.TestStateStore(t, first, storetest.StateOptions{Reopen: reopen})
	})
	t.Run("SendLedger", func(t *testing.T) {
		t.Parallel()
		first, reopen := reopenable(func(t *testing.T, cfg redisstore.Config) store.SendLedger {
			l, err := redisstore.NewSendLedger(client(t), cfg)
			require.NoError(t, err)
			return l
		})
		storetest.TestSendLedger(t, first, storetest.LedgerOptions{Reopen: reopen})
	})
}

// reopenable returns, for a store of kind S that newStore makes on a
// client of its own, how the suite opens one on a prefix of its own and
// reopens one: a new store, on a new client, on the same prefix.
func reopenable[S comparable](newStore func(*testing.T, redisstore.Config) S) (first func(*testing.T) S, reopen func(*testing.T, S) S) {
	var mu sync.Mutex
	cfgs := make(map[S]redisstore.Config)
	open := func(t *testing.T, cfg redisstore.Config) S {
		s := newStore(t, cfg)
		mu.Lock()
		defer mu.Unlock()
		cfgs[s] = cfg
		return s
	}
	first = func(t *testing.T) S { return open(t, testConfig(t)) }
	reopen = func(t *testing.T, s S) S {
		mu.Lock()
		cfg := cfgs[s]
		mu.Unlock()
		return open(t, cfg)
	}
	return first, reopen
}
