package delivery_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/store"
)

// logged returns a logger that writes to a new buffer, and the buffer.
func logged() (*slog.Logger, *apitest.SyncBuffer) {
	l := new(apitest.SyncBuffer)
	return slog.New(slog.NewTextHandler(l, nil)), l
}

// failingQueue is a durable queue whose methods fail as it is told.
type failingQueue struct {
	durable
	pushErr     error
	consumeErrs atomic.Int32 // the first Consume calls that fail at once
	consumeErr  error
	ackErr      error
	consumed    atomic.Int32 // Consume calls
	delivered   atomic.Int32 // deliveries handed to the bot
	released    atomic.Int32 // Release calls
}

func (q *failingQueue) Push(ctx context.Context, e store.Entry) (bool, error) {
	if q.pushErr != nil {
		return false, q.pushErr
	}
	return q.durable.Push(ctx, e)
}

func (q *failingQueue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	q.consumed.Add(1)
	if q.consumeErrs.Add(-1) >= 0 {
		return q.consumeErr
	}
	return q.durable.Consume(ctx, func(d store.Delivery) {
		q.delivered.Add(1)
		deliver(d)
	})
}

func (q *failingQueue) Ack(ctx context.Context, d store.Delivery) error {
	if err := q.durable.Ack(ctx, d); err != nil {
		return err
	}
	return q.ackErr
}

func (q *failingQueue) Release(ctx context.Context, d store.Delivery) error {
	q.released.Add(1)
	return q.durable.Release(ctx, d)
}

// TestAsyncPushFailures: Dispatch fails when the update cannot be queued,
// and a store failure is retryable, so that the webhook asks for the
// update again.
func TestAsyncPushFailures(t *testing.T) {
	storeDown := errors.New("store down")
	tests := []struct {
		name          string
		pushErr       error
		u             cardbot.Update
		wantIs        error
		wantRetryable bool
	}{
		{"a store failure is made retryable", storeDown, textUpdate("a", "x"), storeDown, true},
		{"a retryable failure is kept", cardbot.Retryable(storeDown), textUpdate("a", "x"), storeDown, true},
		{"an update that does not encode is refused", nil,
			cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "a"}, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
				Message: &cardbot.Message{Text: "from the far future"}},
			nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}, pushErr: tt.pushErr}
			var handled atomic.Int32
			b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
			b.Handle(cardbot.OnAny, func(*cardbot.Context) error { handled.Add(1); return nil })
			err := b.Dispatch(t.Context(), newFake("fake"), tt.u)
			require.Error(t, err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.Equal(t, tt.wantRetryable, cardbot.IsRetryable(err), "%v", err)
			require.NoError(t, b.Shutdown(t.Context()))
			assert.Zero(t, handled.Load(), "nothing was queued")
		})
	}
}

// TestAsyncConsumeFailureConsumesAgain: when the queue's Consume fails,
// the bot logs it and consumes again a second later; a Shutdown during
// that second does not wait for it. Its subtests run in synctest bubbles:
// the second passes on the bubble's clock.
func TestAsyncConsumeFailureConsumesAgain(t *testing.T) {
	t.Run("consumes again", inBubble(func(t *testing.T) {
		q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}, consumeErr: errors.New("connection reset")}
		q.consumeErrs.Store(1)
		log, out := logged()
		handled := make(chan string, 1)
		b := cardbot.New(cardbot.WithLogger(log), delivery.WithAsync(delivery.Config{Queue: q}))
		b.Handle(cardbot.OnText, func(c *cardbot.Context) error { handled <- c.Text(); return nil })
		require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("a", "hi")))
		select {
		case text := <-handled:
			assert.Equal(t, "hi", text)
		case <-time.After(5 * time.Second):
			t.Fatal("the update was not handled after the queue failed once")
		}
		assert.Equal(t, int32(2), q.consumed.Load())
		assert.Contains(t, out.String(), "the queue failed")
		assert.Contains(t, out.String(), "connection reset")
		require.NoError(t, b.Shutdown(t.Context()))
	}))
	t.Run("shutdown during the wait", inBubble(func(t *testing.T) {
		q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}, consumeErr: errors.New("connection reset")}
		q.consumeErrs.Store(1 << 30)
		b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
		require.NoError(t, b.Start())
		synctest.Wait() // Consume has failed once; the bot waits its second
		require.Equal(t, int32(1), q.consumed.Load())
		start := time.Now()
		require.NoError(t, b.Shutdown(t.Context()))
		assert.Less(t, time.Since(start), 900*time.Millisecond, "Shutdown waited for the second before consuming again")
		assert.Equal(t, int32(1), q.consumed.Load(), "consumed again after Shutdown")
	}))
}

// TestAsyncAckFailureIsLogged: a queue that fails to acknowledge a handled
// entry may deliver it again; the bot says so in its log.
func TestAsyncAckFailureIsLogged(t *testing.T) {
	q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}, ackErr: errors.New("ack lost")}
	log, out := logged()
	var handled atomic.Int32
	b := cardbot.New(cardbot.WithLogger(log), delivery.WithAsync(delivery.Config{Queue: q}))
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { handled.Add(1); return nil })
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("a", "hi")))
	require.NoError(t, b.Shutdown(t.Context()))
	assert.Equal(t, int32(1), handled.Load())
	assert.Contains(t, out.String(), "failed to end an entry; it may be delivered again")
	assert.Contains(t, out.String(), "ack lost")
	assert.Contains(t, out.String(), "chat=a")
}

// TestAsyncShutdownGivingUpReleasesWaitingDeliveries: an entry the queue
// delivered while the bot had no room for it goes back to the queue when
// Shutdown gives up, unhandled; Shutdown may be called again after giving
// up.
func TestAsyncShutdownGivingUpReleasesWaitingDeliveries(t *testing.T) {
	q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}}
	release := make(chan struct{})
	started := make(chan string, 2)
	b := newBot(delivery.WithAsync(delivery.Config{Queue: q, QueueSize: 1, Concurrency: 1}))
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		started <- c.Text()
		<-release
		return nil
	})
	p := newFake("fake")
	require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("a", "first"), "1")))
	require.Equal(t, "first", <-started)
	require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("b", "second"), "2")))
	require.Eventually(t, func() bool { return q.delivered.Load() == 2 }, 5*time.Second, time.Millisecond,
		"the second is delivered, and waits for room")

	for range 2 {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		require.ErrorIs(t, b.Shutdown(ctx), context.DeadlineExceeded)
		cancel()
	}
	require.Eventually(t, func() bool { return q.released.Load() >= 1 }, 5*time.Second, time.Millisecond,
		"the waiting delivery was not released") // maybe again: the queue may deliver it once more before Consume ends
	close(release)
	select {
	case text := <-started:
		t.Fatalf("%q was handled after Shutdown gave up", text)
	case <-time.After(20 * time.Millisecond):
	}

	// The released entry is still in the queue: the next consumer gets it.
	got := make(chan store.Delivery, 1)
	cctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- q.durable.Consume(cctx, func(d store.Delivery) { got <- d }) }()
	d := <-got
	assert.Equal(t, "2", d.Key)
	require.NoError(t, q.durable.Ack(t.Context(), d))
	stop()
	require.NoError(t, <-done)
}
