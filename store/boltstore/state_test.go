package boltstore_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/internal/flowtest"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/require"
)

// stateBot returns a bot whose state, dedup keys and, when async, queue
// are in db, with the counting flow.
func stateBot(t *testing.T, db *boltstore.DB, async bool) *cardbot.Bot {
	t.Helper()
	opts := []cardbot.Option{
		cardbot.WithLogger(quiet),
		cardbot.WithDedupStore(db.DedupStore()),
		cardbot.WithState(cardbot.StateConfig{Store: db.StateStore(), Locker: db.Locker()}),
	}
	if async {
		opts = append(opts, delivery.WithAsync(delivery.Config{Queue: db.Queue(), Concurrency: 4}))
	}
	b := cardbot.New(opts...)
	flowtest.Count(b)
	t.Cleanup(func() { _ = b.Shutdown(context.Background()) })
	return b
}

// TestStateRestart stops the bot in the middle of a conversation, closes
// the file and opens it again: the conversation goes on where it was.
func TestStateRestart(t *testing.T) {
	t.Parallel()
	for _, async := range []bool{false, true} {
		t.Run(map[bool]string{false: "sync", true: "async"}[async], func(t *testing.T) {
			t.Parallel()
			path := tempPath(t)
			p := flowtest.NewProvider()
			db := open(t, path, boltstore.Options{NoSync: true})
			b := stateBot(t, db, async)
			for i := range 3 {
				require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", i)))
			}
			// A durable queue keeps what was not delivered for the next
			// start: wait for the steps, so that the restart comes between two.
			flowtest.RequireSteps(t, p, "ann", 3)
			require.NoError(t, b.Shutdown(context.Background()))
			require.NoError(t, db.Close())

			db = open(t, path, boltstore.Options{NoSync: true})
			flowtest.RequireCount(t, db.StateStore(), "ann", 3)
			b = stateBot(t, db, async)
			for i := 3; i < 5; i++ {
				require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", i)))
			}
			// A redelivery of a message handled before the restart runs nothing.
			require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", 1)))
			flowtest.RequireSteps(t, p, "ann", 5)
			require.NoError(t, b.Shutdown(context.Background()))
			flowtest.RequireCount(t, db.StateStore(), "ann", 5)
		})
	}
}

// TestStateTwoBotsOneFile sends ten messages of one chat at once to two
// bots that share one file (in one process: a file has one), sync: every
// step runs once. Async delivery from a file has one consumer, so one bot.
func TestStateTwoBotsOneFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		async bool
		bots  int
	}{
		{"sync, two bots", false, 2},
		{"async, one bot", true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := open(t, tempPath(t), boltstore.Options{NoSync: true})
			var bots []*cardbot.Bot
			for range tc.bots {
				bots = append(bots, stateBot(t, db, tc.async))
			}
			p := flowtest.NewProvider()
			const n = 10
			flowtest.Race(t, p, "ann", n, bots...)
			flowtest.RequireSteps(t, p, "ann", n)
			for _, b := range bots { // after the steps: a durable queue keeps what is not delivered
				require.NoError(t, b.Shutdown(context.Background()))
			}
			flowtest.RequireCount(t, db.StateStore(), "ann", n)
		})
	}
}

// TestStateFileTTL checks that a conversation saved through a bot expires
// with StateConfig.TTL in the file too. It runs in a synctest bubble: the
// TTL passes on the bubble's clock.
func TestStateFileTTL(t *testing.T) { synctest.Test(t, stateFileTTL) }

func stateFileTTL(t *testing.T) {
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	b := cardbot.New(cardbot.WithLogger(quiet), cardbot.WithState(cardbot.StateConfig{Store: db.StateStore(), TTL: 100 * time.Millisecond}))
	flowtest.Count(b)
	p := flowtest.NewProvider()
	require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", 0)))
	time.Sleep(200 * time.Millisecond)
	require.NoError(t, b.Dispatch(context.Background(), p, flowtest.Message("ann", 1)))
	require.Equal(t, []string{"step 1", "step 1"}, p.Sent("ann"))
}
