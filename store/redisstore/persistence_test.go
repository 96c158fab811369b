package redisstore_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store/redisstore"
)

// TestReadPersistence: the settings of servers started with each
// persistence, and the risks they name; a server whose CONFIG command is
// disabled (as on managed Redis) is read by INFO.
func TestReadPersistence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		want   redisstore.Persistence // Addr left out
		risks  []string               // a part of each risk, in order
		source string
	}{
		{"nothing saved", nil,
			redisstore.Persistence{Source: "CONFIG", AOF: false, AppendFsync: "everysec", SaveKnown: true, MaxMemoryPolicy: "noeviction"},
			[]string{"a restart of Redis loses everything the stores hold"}, "CONFIG"},
		{"snapshots only", []string{"--save", "3600 1"},
			redisstore.Persistence{Source: "CONFIG", AppendFsync: "everysec", Save: "3600 1", SaveKnown: true, MaxMemoryPolicy: "noeviction"},
			[]string{`since its last RDB snapshot (save "3600 1")`}, "CONFIG"},
		{"AOF, noeviction", []string{"--appendonly", "yes"},
			redisstore.Persistence{Source: "CONFIG", AOF: true, AppendFsync: "everysec", SaveKnown: true, MaxMemoryPolicy: "noeviction"},
			nil, "CONFIG"},
		{"AOF without fsync", []string{"--appendonly", "yes", "--appendfsync", "no"},
			redisstore.Persistence{Source: "CONFIG", AOF: true, AppendFsync: "no", SaveKnown: true, MaxMemoryPolicy: "noeviction"},
			[]string{"appendfsync is no: a crash of the machine loses"}, "CONFIG"},
		{"AOF, evicting", []string{"--appendonly", "yes", "--maxmemory-policy", "allkeys-lru"},
			redisstore.Persistence{Source: "CONFIG", AOF: true, AppendFsync: "everysec", SaveKnown: true, MaxMemoryPolicy: "allkeys-lru"},
			[]string{"deletes any key: queued updates among them"}, "CONFIG"},
		{"volatile eviction", []string{"--appendonly", "yes", "--maxmemory-policy", "volatile-ttl"},
			redisstore.Persistence{Source: "CONFIG", AOF: true, AppendFsync: "everysec", SaveKnown: true, MaxMemoryPolicy: "volatile-ttl"},
			[]string{"deletes keys that expire: dedup marks"}, "CONFIG"},
		{"CONFIG disabled", []string{"--rename-command", "CONFIG", ""},
			redisstore.Persistence{Source: "INFO", AOF: false, MaxMemoryPolicy: "noeviction"},
			[]string{"CONFIG GET is refused"}, "INFO"},
		{"CONFIG disabled, AOF", []string{"--rename-command", "CONFIG", "", "--appendonly", "yes"},
			redisstore.Persistence{Source: "INFO", AOF: true, MaxMemoryPolicy: "noeviction"},
			nil, "INFO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := redistest.NewServer(t, tt.args...)
			c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
			t.Cleanup(func() { _ = c.Close() })
			list, err := redisstore.ReadPersistence(t.Context(), c)
			require.NoError(t, err)
			require.Len(t, list, 1)
			got := list[0]
			assert.Equal(t, srv.Addr(), got.Addr)
			assert.Zero(t, got.Replicas)
			got.Addr, got.Replicas = "", 0
			assert.Equal(t, tt.want, got)
			risks := got.Risks()
			require.Len(t, risks, len(tt.risks), "%q", risks)
			for i, r := range tt.risks {
				assert.Contains(t, risks[i], r)
			}
		})
	}
}

// TestReadPersistenceDown: a server that does not answer is an error,
// not a guess.
func TestReadPersistenceDown(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	srv.Stop()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = c.Close() })
	_, err := redisstore.ReadPersistence(t.Context(), c)
	require.ErrorContains(t, err, "redisstore: reading the persistence settings of "+srv.Addr())
}

// warnings is a slog.Handler that hands each warning's message to a
// channel.
type warnings chan string

func (w warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w warnings) Handle(_ context.Context, r slog.Record) error {
	select {
	case w <- r.Message:
	default:
	}
	return nil
}
func (w warnings) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w warnings) WithGroup(string) slog.Handler      { return w }

// waitWarning returns the next warning that contains part, failing after
// wait.
func (w warnings) waitWarning(t *testing.T, part string, wait time.Duration) string {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m := <-w:
			if strings.Contains(m, part) {
				return m
			}
		case <-timeout:
			t.Fatalf("no warning with %q within %v", part, wait)
			return ""
		}
	}
}

// TestConsumeWarnsPersistence: a Consume on a Redis that saves nothing
// warns at start that a restart loses what is queued, and warns again
// once Redis answers after an outage (it may come back with other
// settings).
func TestConsumeWarnsPersistence(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = client.Close() })
	w := make(warnings, 100)
	cfg := testConfig(t)
	cfg.Logger = slog.New(w)
	cfg.Partitions = 2
	q, err := redisstore.NewQueue(client, cfg)
	require.NoError(t, err)
	c := consume(t, q, nil)

	const lost = "Redis may lose what the stores acknowledged: appendonly is no and RDB snapshots are off"
	w.waitWarning(t, lost, 5*testLease)
	eventually(t, func() bool { return len(redisstore.Owned(q)) == 2 }, 5*testLease, "the partitions were not taken")
	srv.Stop()
	// A lease is lost only after a round of heartbeat and renewals failed.
	eventually(t, func() bool { return len(redisstore.Owned(q)) == 0 }, 5*testLease, "the leases outlived the outage")
	srv.Start()
	w.waitWarning(t, lost, 5*testLease)
	require.NoError(t, c.stop())
}
