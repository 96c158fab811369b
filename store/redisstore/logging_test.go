package redisstore_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store/redisstore"
)

// counting is a slog.Handler that counts the lines of go-redis.
type counting struct{ n atomic.Int64 }

func (c *counting) Enabled(context.Context, slog.Level) bool { return true }
func (c *counting) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "source" && a.Value.String() == "go-redis" {
			c.n.Add(1)
		}
		return true
	})
	return nil
}
func (c *counting) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *counting) WithGroup(string) slog.Handler      { return c }

// TestClientLoggerOutage: while Redis is down, go-redis's pool logs a
// failed dial per attempt; through a ClientLogger, as the echobot sets it,
// they make one line.
func TestClientLoggerOutage(t *testing.T) {
	var h counting
	redis.SetLogger(redisstore.NewClientLogger(slog.New(&h), time.Minute)) // global to the process
	t.Cleanup(logging.Enable)                                              // go-redis's own again

	srv := redistest.NewServer(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.Ping(t.Context()).Err())
	srv.Stop()
	for range 50 {
		require.Error(t, c.Ping(t.Context()).Err())
	}
	assert.Equal(t, int64(1), h.n.Load(), "50 failed dials, one line")

	// go-redis dials in the background until Redis is back.
	srv.Start()
	eventually(t, func() bool { return c.Ping(t.Context()).Err() == nil }, 5*time.Second, "Redis not back")
}
