package redisstore_test

import (
	"context"
	"testing"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/internal/flowtest"
	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// instance is how the bots of a test share Redis.
type instance struct {
	async  bool // a Queue of its own on the shared partitions
	locker bool // a shared Locker for the conversations
}

// stateBot returns a bot of its own Redis client, with the counting flow,
// whose conversations, dedup keys and (async) queue are under cfg.Prefix.
func stateBot(t *testing.T, cfg redisstore.Config, in instance, p cardbot.Provider) (*cardbot.Bot, *redisstore.StateStore, redis.UniversalClient) {
	t.Helper()
	c := redistest.Client(t)
	states, err := redisstore.NewStateStore(c, cfg)
	require.NoError(t, err)
	dedup, err := redisstore.NewDedupStore(c, cfg)
	require.NoError(t, err)
	sc := cardbot.StateConfig{Store: states}
	if in.locker {
		l, err := redisstore.NewLocker(c, cfg)
		require.NoError(t, err)
		sc.Locker = l
	}
	opts := []cardbot.Option{cardbot.WithLogger(quiet()), cardbot.WithProviders(p), cardbot.WithDedupStore(dedup), cardbot.WithState(sc)}
	if in.async {
		q, err := redisstore.NewQueue(c, cfg)
		require.NoError(t, err)
		opts = append(opts, delivery.WithAsync(delivery.Config{Queue: q, Concurrency: 4}))
	}
	b := cardbot.New(opts...)
	flowtest.Count(b)
	t.Cleanup(func() { _ = b.Shutdown(context.Background()) })
	return b, states, c
}

// TestStateTwoInstances sends ten messages of each of two chats at once
// to two bots that share Redis: every step of the counting flow runs
// exactly once, and the counts end at ten.
func TestStateTwoInstances(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   instance
	}{
		{"sync with a shared Locker", instance{locker: true}},
		{"async by partition ownership", instance{async: true}},
		{"async with a shared Locker too", instance{async: true, locker: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t)
			p := flowtest.NewProvider()
			a, states, _ := stateBot(t, cfg, tc.in, p)
			b, _, _ := stateBot(t, cfg, tc.in, p)
			const n = 10
			done := make(chan struct{})
			go func() {
				defer close(done)
				flowtest.Race(t, p, "bob", n, b, a)
			}()
			flowtest.Race(t, p, "ann", n, a, b)
			<-done
			for _, chat := range []string{"ann", "bob"} {
				flowtest.RequireSteps(t, p, chat, n)
				flowtest.RequireCount(t, states, chat, n)
			}
		})
	}
}

// TestStateRestartRedis stops the bot in the middle of a conversation and
// starts another on a new client: the conversation goes on.
func TestStateRestartRedis(t *testing.T) {
	t.Parallel()
	for _, in := range []instance{{}, {async: true}} {
		t.Run(map[bool]string{false: "sync", true: "async"}[in.async], func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t)
			p := flowtest.NewProvider()
			b, _, c := stateBot(t, cfg, in, p)
			for i := range 3 {
				require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", i)))
			}
			flowtest.RequireSteps(t, p, "ann", 3)
			require.NoError(t, b.Shutdown(context.Background()))
			require.NoError(t, c.Close())

			b, states, _ := stateBot(t, cfg, in, p)
			flowtest.RequireCount(t, states, "ann", 3)
			for i := 3; i < 5; i++ {
				require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", i)))
			}
			flowtest.RequireSteps(t, p, "ann", 5)
			flowtest.RequireCount(t, states, "ann", 5)
		})
	}
}

// TestStateRedisDown checks that a conversation whose store fails is not
// handled, and fails retryably, so the provider delivers it again.
func TestStateRedisDown(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	p := flowtest.NewProvider()
	b, _, c := stateBot(t, cfg, instance{}, p)
	require.NoError(t, c.Close())
	err := b.Dispatch(context.Background(), p, flowtest.Message("ann", 0))
	require.ErrorIs(t, err, redis.ErrClosed)
	require.True(t, cardbot.IsRetryable(err), "%v", err)
	require.Empty(t, p.Sent("ann"))
}

// TestStateConflictWithoutLocker races two sync bots that share the
// conversations but no Locker: their handlers may overlap, and the save
// that loses the compare-and-set fails with ErrStateConflict, which the
// provider (here Race) answers by delivering again. So a step may be sent
// twice, but no change is lost or applied twice: the count ends at ten.
func TestStateConflictWithoutLocker(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	p := flowtest.NewProvider()
	a, states, _ := stateBot(t, cfg, instance{}, p)
	b, _, _ := stateBot(t, cfg, instance{}, p)
	const n = 10
	flowtest.Race(t, p, "ann", n, a, b)
	flowtest.RequireCount(t, states, "ann", n)
	require.Subset(t, p.Sent("ann"), flowtest.Steps(n))
}
