package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The echobot's stores, as its STORE variable names them.
const (
	storeMemory = "memory"
	storeFile   = "file"
	storeRedis  = "redis"
)

// envRedis names the Redis server of the crash and throughput phases, as
// it does for the module's tests: an address or a redis:// URL; unset,
// 127.0.0.1:6379.
const envRedis = "CARDBOT_TEST_REDIS"

// store is the store of one phase's echobot processes: the environment
// that chooses it, shared by every instance, and what removes it.
type store struct {
	kind  string
	env   [][2]string
	about string // for the report
	clean func(context.Context) error
}

// openStore prepares a store of kind for the processes of a phase: a new
// file in dir, or a Redis key prefix of its own (its keys are deleted by
// clean; the database is never flushed).
func openStore(ctx context.Context, kind, dir, name string, lease time.Duration) (*store, error) {
	none := func(context.Context) error { return nil }
	switch kind {
	case storeMemory:
		return &store{kind: kind, env: [][2]string{{"STORE", "memory"}}, about: "in memory", clean: none}, nil
	case storeFile:
		path := filepath.Join(dir, name+".db")
		return &store{kind: kind, env: [][2]string{{"STORE", "file:" + path}}, about: "file " + filepath.Base(path),
			clean: func(context.Context) error { return os.Remove(path) }}, nil
	case storeRedis:
		return openRedisStore(ctx, lease)
	}
	return nil, fmt.Errorf("store %q: want memory, file or redis", kind)
}

// openRedisStore checks that the Redis server answers and gives the
// phase a random key prefix.
func openRedisStore(ctx context.Context, lease time.Duration) (*store, error) {
	u, err := redisURL()
	if err != nil {
		return nil, err
	}
	opts, err := redis.ParseURL(u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envRedis, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c := redis.NewClient(opts)
	defer c.Close()
	if err := c.Ping(pctx).Err(); err != nil {
		return nil, fmt.Errorf("no Redis server at %s (set %s): %w", opts.Addr, envRedis, err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	prefix := "cardbot-loadtest-" + hex.EncodeToString(b[:])
	return &store{
		kind:  storeRedis,
		env:   [][2]string{{"STORE", u}, {"STORE_PREFIX", prefix}, {"STORE_LEASE", lease.String()}},
		about: fmt.Sprintf("Redis at %s, prefix %s, lease %s", opts.Addr, prefix, lease),
		clean: func(ctx context.Context) error { return deleteKeys(ctx, opts, "*"+prefix+"*") }, // keys start with a hash tag: "{prefix:…"
	}, nil
}

// redisURL is the redis:// URL of the server named by envRedis.
func redisURL() (string, error) {
	v := os.Getenv(envRedis)
	switch {
	case v == "":
		return "redis://127.0.0.1:6379/0", nil
	case strings.HasPrefix(v, "redis://"), strings.HasPrefix(v, "rediss://"):
		return v, nil
	case !strings.ContainsAny(v, ",/"):
		return (&url.URL{Scheme: "redis", Host: v, Path: "/0"}).String(), nil
	}
	return "", fmt.Errorf("%s: want one server's address or redis:// URL", envRedis)
}

// deleteKeys deletes the keys that match the SCAN pattern match, one
// page at a time; it never flushes.
func deleteKeys(ctx context.Context, opts *redis.Options, match string) error {
	c := redis.NewClient(opts)
	defer c.Close()
	var cursor uint64
	for range 1_000_000 { // bounded: a page at a time, far more than a run writes
		keys, next, err := c.Scan(ctx, cursor, match, 500).Result()
		if err != nil {
			return fmt.Errorf("deleting the Redis keys %s: %w", match, err)
		}
		if len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				return fmt.Errorf("deleting the Redis keys %s: %w", match, err)
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
	return fmt.Errorf("deleting the Redis keys %s: too many", match)
}
