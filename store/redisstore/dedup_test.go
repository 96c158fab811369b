package redisstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// twoDedupStores are two instances' stores on one Redis.
func twoDedupStores(t *testing.T, cfg redisstore.Config) (*redisstore.DedupStore, *redisstore.DedupStore) {
	t.Helper()
	a, err := redisstore.NewDedupStore(redistest.Client(t), cfg)
	require.NoError(t, err)
	b, err := redisstore.NewDedupStore(redistest.Client(t), cfg)
	require.NoError(t, err)
	return a, b
}

func TestDedupStore(t *testing.T) {
	t.Parallel()
	a, b := twoDedupStores(t, testConfig(t))
	ctx := t.Context()
	type step struct {
		s       *redisstore.DedupStore
		begin   bool // else End
		key     string
		handled bool
		want    store.DedupState
	}
	for _, st := range []step{
		{s: a, begin: true, key: "k", want: store.DedupNew},
		{s: b, begin: true, key: "k", want: store.DedupInFlight},
		{s: a, begin: true, key: "k", want: store.DedupInFlight},
		{s: b, begin: true, key: "other", want: store.DedupNew},
		{s: a, key: "k", handled: false},
		{s: b, begin: true, key: "k", want: store.DedupNew},
		{s: a, key: "k", handled: true}, // not a's: does nothing
		{s: a, begin: true, key: "k", want: store.DedupInFlight},
		{s: b, key: "k", handled: true},
		{s: a, begin: true, key: "k", want: store.DedupDone},
		{s: b, begin: true, key: "k", want: store.DedupDone},
		{s: b, key: "other", handled: true},
		{s: a, begin: true, key: "other", want: store.DedupDone},
		{s: a, begin: true, key: "greenapi\x00}{", want: store.DedupNew},
		{s: b, begin: true, key: "greenapi\x00}{", want: store.DedupInFlight},
	} {
		if st.begin {
			got, err := st.s.Begin(ctx, st.key)
			require.NoError(t, err)
			assert.Equal(t, st.want, got, "Begin %q", st.key)
		} else {
			require.NoError(t, st.s.End(ctx, st.key, st.handled))
		}
	}
}

func TestDedupLeasesExpire(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.InFlightLease = 200 * time.Millisecond
	cfg.DoneTTL = 400 * time.Millisecond
	a, b := twoDedupStores(t, cfg)
	ctx := t.Context()

	st, err := a.Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, store.DedupNew, st)
	// a dies between Begin and End: the key is free after the lease.
	time.Sleep(cfg.InFlightLease + 50*time.Millisecond)
	st, err = b.Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, store.DedupNew, st, "the in-flight mark expired")

	// a's late End does not clear b's mark; it was handled, so it is done.
	require.NoError(t, a.End(ctx, "k", true))
	st, err = b.Begin(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, store.DedupDone, st)
	require.NoError(t, b.End(ctx, "k", true))

	time.Sleep(cfg.DoneTTL + 50*time.Millisecond)
	st, err = a.Begin(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, store.DedupNew, st, "the done mark expired")
	require.NoError(t, a.End(ctx, "k", false))
}

func TestDedupConcurrentBegin(t *testing.T) {
	t.Parallel()
	a, b := twoDedupStores(t, testConfig(t))
	var mu sync.Mutex
	count := map[store.DedupState]int{}
	var wg sync.WaitGroup
	for i := range 20 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			st, err := s.Begin(context.Background(), "race")
			assert.NoError(t, err)
			mu.Lock()
			count[st]++
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, 1, count[store.DedupNew])
	assert.Equal(t, 19, count[store.DedupInFlight])
}
