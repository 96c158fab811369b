package main

import (
	"context"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// testRedis returns the URL of a Redis server for t and a key prefix of
// t's own; when t ends, the keys of that prefix are deleted, and nothing
// else (the server may be shared, so it is never flushed).
//
// The server is the one CARDBOT_TEST_REDIS names (an address or a
// redis:// URL), else 127.0.0.1:6379; when none answers there and
// redis-server is on PATH, a throwaway one is started for t. With no
// server, t is skipped, or failed under CARDBOT_REQUIRE_REDIS=1.
func testRedis(t *testing.T) (url, prefix string) {
	t.Helper()
	url = os.Getenv("CARDBOT_TEST_REDIS")
	named := url != ""
	if !named {
		url = "127.0.0.1:6379"
	}
	if !strings.Contains(url, "://") {
		url = "redis://" + url
	}
	opts, err := redis.ParseURL(url)
	require.NoError(t, err, "CARDBOT_TEST_REDIS is no Redis address")
	if err := ping(opts); err != nil {
		if named {
			t.Fatalf("CARDBOT_TEST_REDIS names no server that answers: %v", err)
		}
		opts = spawnRedis(t)
		url = "redis://" + opts.Addr
	}
	prefix = "cardbot-example-" + rand.Text()
	t.Cleanup(func() {
		c := redis.NewClient(opts)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, "*"+prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			require.NoError(t, c.Unlink(ctx, iter.Val()).Err())
		}
		require.NoError(t, iter.Err())
	})
	return url, prefix
}

// ping tells whether a server answers at opts within a second.
func ping(opts *redis.Options) error {
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// spawnRedis starts a redis-server that saves nothing on a free loopback
// port, stopped when t ends, or skips t (fails it under
// CARDBOT_REQUIRE_REDIS=1) when there is no redis-server.
func spawnRedis(t *testing.T) *redis.Options {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CARDBOT_REQUIRE_REDIS") == "1" {
			t.Fatal("no Redis at 127.0.0.1:6379 nor redis-server on PATH, and CARDBOT_REQUIRE_REDIS=1")
		}
		t.Skip("no Redis at 127.0.0.1:6379 nor redis-server on PATH; set CARDBOT_TEST_REDIS")
	}
	_, port, err := net.SplitHostPort(freeAddr(t))
	require.NoError(t, err)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	opts := &redis.Options{Addr: net.JoinHostPort("127.0.0.1", port)}
	require.Eventually(t, func() bool { return ping(opts) == nil }, 10*time.Second, 20*time.Millisecond,
		"redis-server on port %s does not answer", port)
	return opts
}
