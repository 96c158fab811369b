package redisstore

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientLoggerRateLimit: go-redis's messages go to the slog logger at
// Warn, one line per interval for each kind of message; the next line of a
// kind counts those kept back.
func TestClientLoggerRateLimit(t *testing.T) {
	t.Parallel()
	var h records
	l := NewClientLogger(slog.New(&h), time.Minute)
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	const dial = "redis: connection pool: failed to dial after %d attempts: %v"
	ctx := context.Background()
	for range 78 {
		l.Printf(ctx, dial, 1, "connect: connection refused")
	}
	l.Printf(ctx, "redis: discarding bad PubSub connection: %v", "EOF")
	require.Len(t, h.list, 2, "one line per kind")
	assert.Equal(t, "redis client: connection pool: failed to dial after 1 attempts: connect: connection refused", h.list[0].Message)
	assert.Equal(t, slog.LevelWarn, h.list[0].Level)
	assert.Equal(t, "go-redis", attrs(h.list[0])["source"].String())
	assert.NotContains(t, attrs(h.list[0]), "like_it_not_logged")
	assert.Equal(t, "redis client: discarding bad PubSub connection: EOF", h.list[1].Message)

	now = now.Add(59 * time.Second)
	l.Printf(ctx, dial, 2, "x")
	require.Len(t, h.list, 2)
	now = now.Add(time.Second)
	l.Printf(ctx, dial, 3, "x")
	require.Len(t, h.list, 3)
	assert.Equal(t, int64(78), attrs(h.list[2])["like_it_not_logged"].Int64())
}

func TestClientLoggerDefaults(t *testing.T) {
	t.Parallel()
	l := NewClientLogger(nil, 0)
	assert.Same(t, slog.Default(), l.log)
	assert.Equal(t, DefaultClientLogEvery, l.every)
}
