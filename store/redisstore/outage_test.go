package redisstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store/redisstore"
)

// TestShortOutageKeepsLeases: Redis is stopped and started again (empty:
// the throwaway server saves nothing) within the lease. The consumer
// renews again as soon as Redis answers, takes its leases again since no
// other consumer took them, and a delivery under way stays owned: the
// handling that may have written to the provider is not cancelled.
func TestShortOutageKeepsLeases(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	cfg := testConfig(t)
	cfg.Partitions = 2
	cfg.LeaseTTL = 2 * time.Second
	q, err := redisstore.NewQueue(outageClient(t, srv), cfg)
	require.NoError(t, err)
	push(t, q, entry("c", "", "1"))
	c := consume(t, q, nil)
	held := c.next()
	owned := redisstore.Owned(q)

	srv.Stop()
	srv.Start()
	select {
	case <-held.Owned.Done():
		t.Fatal("an outage shorter than the lease cancelled the delivery under way")
	case <-time.After(2 * cfg.LeaseTTL): // longer than the lease: it was renewed after the outage
	}
	assert.Equal(t, owned, redisstore.Owned(q), "the leases held before the outage")
	require.NoError(t, q.Ack(t.Context(), held))
	require.NoError(t, c.stop())
}
