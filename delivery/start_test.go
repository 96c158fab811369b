package delivery_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
)

// TestAsyncStartsWhenStarted: New starts nothing; the queue is consumed
// once the bot is started, by Start or by its first Dispatch.
func TestAsyncStartsWhenStarted(t *testing.T) {
	tests := []struct {
		name  string
		start func(b *cardbot.Bot) error
	}{
		{"Start", func(b *cardbot.Bot) error { return b.Start() }},
		{"Dispatch", func(b *cardbot.Bot) error {
			return b.Dispatch(context.Background(), newFake("fake"), textUpdate("a", "hi"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}}
				b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
				synctest.Wait()
				assert.Zero(t, q.consumed.Load(), "New consumed the queue")
				require.NoError(t, tt.start(b))
				synctest.Wait()
				assert.Equal(t, int32(1), q.consumed.Load(), "the started bot does not consume")
				require.NoError(t, b.Start(), "a second Start")
				require.NoError(t, b.Shutdown(context.Background()))
				require.ErrorIs(t, b.Start(), cardbot.ErrShuttingDown)
			})
		})
	}
	t.Run("Shutdown of a bot never started", func(t *testing.T) {
		q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}}
		b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
		require.NoError(t, b.Shutdown(context.Background()))
		assert.Zero(t, q.consumed.Load())
		require.ErrorIs(t, b.Start(), cardbot.ErrShuttingDown)
	})
}

// signalQueue tells when the bot took a delivery of its queue.
type signalQueue struct {
	adminQueue
	delivered chan struct{}
}

func (q *signalQueue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	return q.adminQueue.Consume(ctx, func(d store.Delivery) {
		deliver(d)
		q.delivered <- struct{}{}
	})
}

// TestAsyncPreviousRunBeforeProviders: a file store holds an update from a
// previous run. The bot is started before its provider is registered;
// the update is tried again until the provider is there, and handled,
// not dead lettered.
func TestAsyncPreviousRunBeforeProviders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	opts := boltstore.Options{NoSync: true, Logger: slog.New(slog.DiscardHandler)}
	db, err := boltstore.Open(path, opts)
	require.NoError(t, err)
	u := textUpdate("a", "left from before")
	u.Provider, u.Key = "late", "k1"
	enc, err := cardbot.EncodeUpdate(&u)
	require.NoError(t, err)
	_, err = db.Queue().Push(context.Background(), store.Entry{Provider: "late", ChatID: "a", Key: "k1", Update: enc, Pushed: time.Now()})
	require.NoError(t, err)
	require.NoError(t, db.Close()) // the previous run ends

	db, err = boltstore.Open(path, opts)
	require.NoError(t, err)
	defer db.Close()
	q := &signalQueue{adminQueue: db.Queue(), delivered: make(chan struct{}, 8)}
	b := newBot(delivery.WithAsync(delivery.Config{Queue: q, MaxAttempts: 1000,
		MinRetryWait: time.Millisecond, MaxRetryWait: 5 * time.Millisecond}))
	handled := make(chan string, 1)
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error { handled <- c.Text(); return nil })
	require.NoError(t, b.Start())
	select {
	case <-q.delivered:
	case <-time.After(10 * time.Second):
		t.Fatal("the started bot took nothing from its queue")
	}
	require.NoError(t, b.AddProvider(newFake("late")))
	select {
	case text := <-handled:
		assert.Equal(t, "left from before", text)
	case <-time.After(10 * time.Second):
		t.Fatal("the update of a provider registered late was never handled")
	}
	require.NoError(t, b.Shutdown(context.Background()))
	dead, err := q.DeadLetters(context.Background(), 10)
	require.NoError(t, err)
	assert.Empty(t, dead)
}
