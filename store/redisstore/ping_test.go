package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store/redisstore"
)

func TestPing(t *testing.T) {
	t.Parallel()
	cfg := redisstore.Config{Prefix: redistest.Prefix(t)}
	ctx := context.Background()

	up := redistest.Client(t)
	q, err := redisstore.NewQueue(up, cfg)
	require.NoError(t, err)
	d, err := redisstore.NewDedupStore(up, cfg)
	require.NoError(t, err)
	assert.NoError(t, q.Ping(ctx))
	assert.NoError(t, d.Ping(ctx))

	// Nothing listens on port 1 of loopback.
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = down.Close() })
	q, err = redisstore.NewQueue(down, cfg)
	require.NoError(t, err)
	d, err = redisstore.NewDedupStore(down, cfg)
	require.NoError(t, err)
	for name, ping := range map[string]func(context.Context) error{"queue": q.Ping, "dedup store": d.Ping} {
		err := ping(ctx)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "redisstore: ping", name)
	}
}
