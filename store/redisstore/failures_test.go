package redisstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
)

// TestCancelledContext: the stores' calls fail with the context's error
// when it has ended, and change nothing in Redis.
func TestCancelledContext(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	q, rc := newQueue(t, cfg)
	states, err := redisstore.NewStateStore(rc, cfg)
	require.NoError(t, err)
	locks, err := redisstore.NewLocker(rc, cfg)
	require.NoError(t, err)
	dedup, err := redisstore.NewDedupStore(rc, cfg)
	require.NoError(t, err)
	other, err := redisstore.NewDedupStore(rc, cfg)
	require.NoError(t, err)
	ctx := t.Context()

	push(t, q, entry("c", "", "u"))
	c := consume(t, q, nil)
	d := c.next()
	require.NoError(t, q.DeadLetter(ctx, d, "failed"))
	require.NoError(t, c.stop())
	before, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	require.Len(t, before, 1)
	dl := before[0]
	v, err := states.Save(ctx, "conv", store.StateRecord{State: "a"}, 0)
	require.NoError(t, err)
	ok, err := locks.Acquire(ctx, "lock", "me", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	st, err := dedup.Begin(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, store.DedupNew, st)

	done, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"state Load", func() error { _, err := states.Load(done, "conv"); return err }},
		{"state Save", func() error {
			_, err := states.Save(done, "conv", store.StateRecord{State: "b", Version: v}, 0)
			return err
		}},
		{"Locker Acquire", func() error { _, err := locks.Acquire(done, "lock", "me", time.Minute); return err }},
		{"Locker Release", func() error { return locks.Release(done, "lock", "me") }},
		{"dedup End", func() error { return dedup.End(done, "k", true) }},
		{"DeadLetters", func() error { _, err := q.DeadLetters(done, 10); return err }},
		{"Replay", func() error { return q.Replay(done, dl.ID) }},
		{"DropDeadLetter", func() error { return q.DropDeadLetter(done, dl.ID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, context.Canceled)
			assert.ErrorContains(t, err, "redisstore:")
		})
	}

	rec, err := states.Load(ctx, "conv")
	require.NoError(t, err)
	assert.Equal(t, store.StateRecord{State: "a", Version: v}, rec, "the conversation as it was")
	ok, err = locks.Acquire(ctx, "lock", "someone else", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "the lease is still held")
	st, err = other.Begin(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, store.DedupInFlight, st, "the key is still in flight")
	dead, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	assert.Equal(t, before, dead, "the dead letter is still there")
}

// TestEndFailureDeliversAgain: an Ack or DeadLetter that fails leaves the
// entry pending, and the running Consume delivers it again.
func TestEndFailureDeliversAgain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		end  func(q *redisstore.Queue, ctx context.Context, d store.Delivery) error
	}{
		{"Ack", func(q *redisstore.Queue, ctx context.Context, d store.Delivery) error { return q.Ack(ctx, d) }},
		{"DeadLetter", func(q *redisstore.Queue, ctx context.Context, d store.Delivery) error {
			return q.DeadLetter(ctx, d, "failed")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t)
			cfg.Partitions = 1
			q, _ := newQueue(t, cfg)
			push(t, q, entry("c", "", "1"))
			c := consume(t, q, nil)
			d := c.next()

			done, cancel := context.WithCancel(t.Context())
			cancel()
			err := tt.end(q, done, d)
			require.ErrorIs(t, err, context.Canceled)
			assert.ErrorContains(t, err, d.ID)

			again := c.next()
			assert.Equal(t, d.ID, again.ID)
			assert.Equal(t, "1", string(again.Update))
			dead, err := q.DeadLetters(t.Context(), 10)
			require.NoError(t, err)
			assert.Empty(t, dead)
			require.NoError(t, q.Ack(t.Context(), again))
			c.none(200 * time.Millisecond)
			require.NoError(t, c.stop())
		})
	}
}

// TestStateLoadBadVersion: a conversation whose version field is no number
// (written by something else) fails Load instead of being read as new.
func TestStateLoadBadVersion(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	rc := redistest.Client(t)
	states, err := redisstore.NewStateStore(rc, cfg)
	require.NoError(t, err)
	require.NoError(t, rc.HSet(t.Context(), redisstore.StateKey(states, "conv"), "v", "abc", "s", "a").Err())
	rec, err := states.Load(t.Context(), "conv")
	require.ErrorContains(t, err, `redisstore: state load: a version that is no number: "abc"`)
	assert.Equal(t, store.StateRecord{}, rec)
}

// TestConsumeClosedClient: Consume on a closed client fails at once.
func TestConsumeClosedClient(t *testing.T) {
	t.Parallel()
	q, rc := newQueue(t, testConfig(t))
	require.NoError(t, rc.Close())
	err := q.Consume(t.Context(), func(store.Delivery) {})
	require.ErrorIs(t, err, redis.ErrClosed)
	assert.ErrorContains(t, err, "redisstore: consume:")
}

// outageClient is a client of srv that gives up quickly.
func outageClient(t *testing.T, srv *redistest.Server) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestConsumeStartsDuringOutage: a Consume that cannot reach Redis at
// start logs it and tries again, until Redis answers (then it delivers) or
// its ctx ends (then it returns nil).
func TestConsumeStartsDuringOutage(t *testing.T) {
	t.Parallel()
	for _, back := range []bool{true, false} {
		t.Run(map[bool]string{true: "Redis comes back", false: "ctx ends"}[back], func(t *testing.T) {
			t.Parallel()
			srv := redistest.NewServer(t)
			srv.Stop()
			cfg := testConfig(t)
			cfg.Partitions = 1
			var logs apitest.SyncBuffer
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			q, err := redisstore.NewQueue(outageClient(t, srv), cfg)
			require.NoError(t, err)
			c := consume(t, q, nil)
			eventually(t, func() bool { return strings.Contains(logs.String(), "Consume cannot start") }, 5*time.Second,
				"no warning: %s", logs.String())
			if !back {
				require.NoError(t, c.stop())
				return
			}
			srv.Start()
			eventually(t, func() bool { return len(redisstore.Owned(q)) == 1 }, 10*time.Second, "partition not taken")
			push(t, q, entry("c", "", "1"))
			d := c.next()
			assert.Equal(t, "1", string(d.Update))
			require.NoError(t, q.Ack(t.Context(), d))
			require.NoError(t, c.stop())
		})
	}
}

// TestShutdownDuringOutage: when ctx ends while Redis is gone, Consume
// cannot give up its leases or leave the members (they expire), and
// returns nil once its deliveries ended, without hanging.
func TestShutdownDuringOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	cfg := testConfig(t)
	cfg.Partitions = 2
	q, err := redisstore.NewQueue(outageClient(t, srv), cfg)
	require.NoError(t, err)
	push(t, q, entry("c", "", "1"))
	c := consume(t, q, nil)
	held := c.next()

	srv.Stop()
	c.cancel()
	require.NoError(t, q.Release(t.Context(), held))
	start := time.Now()
	require.NoError(t, c.stop())
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestWakeChannelGarbage: messages on the wake channel that name no
// partition of the queue are ignored; Consume goes on delivering.
func TestWakeChannelGarbage(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.Partitions = 2
	cfg.PollInterval = time.Minute // a delivery needs a working wake-up
	q, rc := newQueue(t, cfg)
	c := consume(t, q, nil)
	wake := cfg.Prefix + ":wake"
	ctx := t.Context()
	eventually(t, func() bool {
		n, err := rc.PubSubNumSub(ctx, wake).Result()
		return err == nil && n[wake] == 1 && len(redisstore.Owned(q)) == 2
	}, 5*time.Second, "not subscribed")
	for _, msg := range []string{"x", "-1", "2", "99999", "free:x", "free:-1", "free:2", "free:99999", "free:", ""} {
		require.NoError(t, rc.Publish(ctx, wake, msg).Err())
	}
	for i := range 2 {
		push(t, q, entry(chatIn(i, 2), "", fmt.Sprint(i)))
	}
	got := c.nextN(2)
	assert.ElementsMatch(t, []string{"0", "1"}, updates(got))
	ackAll(t, q, got)
	require.NoError(t, c.stop())
}

// TestLeaseLostWhileIdle: a lease taken away while the partition's reader
// waits (a long PollInterval) is noticed by its renewal: Owned ends. The
// partition taken again delivers nothing, not even a new entry, until the
// delivery made under the lost lease has ended, and then does not deliver
// that one again once acknowledged.
func TestLeaseLostWhileIdle(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.Partitions = 1
	cfg.PollInterval = time.Minute
	q, rc := newQueue(t, cfg)
	push(t, q, entry("c", "", "1"))
	c := consume(t, q, nil)
	d := c.next()
	lease := "{" + cfg.Prefix + ":q}:lease:0"
	require.NoError(t, rc.Set(t.Context(), lease, "someone-else:1", testLease).Err())
	eventually(t, func() bool { return d.Owned.Err() != nil }, 2*testLease, "Owned did not end")
	eventually(t, func() bool { return len(redisstore.Owned(q)) == 1 }, 5*testLease, "partition not taken again")

	push(t, q, entry("c", "", "2"))
	c.none(300 * time.Millisecond)
	require.NoError(t, q.Ack(t.Context(), d))
	next := c.next()
	assert.Equal(t, "2", string(next.Update))
	require.NoError(t, q.Ack(t.Context(), next))
	c.none(200 * time.Millisecond)
	require.NoError(t, c.stop())
}
