package delivery_test

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
)

// diskQueue is a durable queue whose pushes fail while its disk is full.
type diskQueue struct {
	durable
	mu   sync.Mutex
	full bool
}

func (q *diskQueue) setFull(full bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.full = full
}

func (q *diskQueue) Push(ctx context.Context, e store.Entry) (bool, error) {
	q.mu.Lock()
	full := q.full
	q.mu.Unlock()
	if full {
		return false, &fs.PathError{Op: "write", Path: "/var/lib/cardbot/bot.db", Err: syscall.ENOSPC}
	}
	return q.durable.Push(ctx, e)
}

// queueCheck returns the check of the queue in err, a *NotReadyError.
func queueCheck(t *testing.T, err error) cardbot.Check {
	t.Helper()
	var nre *cardbot.NotReadyError
	require.ErrorAs(t, err, &nre)
	for _, c := range nre.Checks {
		if c.Component == "queue" {
			return c
		}
	}
	t.Fatalf("no queue check in %v", nre.Checks)
	return cardbot.Check{}
}

// A failed push is logged at a bounded rate with its cause, counted, and
// makes the bot not ready, with the reason, until a push succeeds.
func TestPushFailureIsNotSilent(t *testing.T) {
	q := &diskQueue{durable: durable{store.NewMemoryQueue(0, 0)}}
	rec := &cardbottest.Observations{}
	log, out := logged()
	b := cardbot.New(cardbot.WithLogger(log), cardbot.WithObserver(rec), delivery.WithAsync(delivery.Config{Queue: q}))
	t.Cleanup(func() { require.NoError(t, b.Shutdown(context.Background())) })
	b.Handle(cardbot.OnAny, func(*cardbot.Context) error { return nil })
	p := newFake("fake")
	ctx := t.Context()

	require.NoError(t, b.Ready(ctx))
	q.setFull(true)
	for i := range 3 {
		err := b.Dispatch(ctx, p, keyed(textUpdate("a", "x"), "k"+string(rune('0'+i))))
		require.ErrorIs(t, err, syscall.ENOSPC)
		assert.True(t, cardbot.IsRetryable(err), "the webhook answers 503")
	}
	err := b.Ready(ctx)
	require.ErrorIs(t, err, cardbot.ErrNotReady)
	require.ErrorIs(t, err, syscall.ENOSPC)
	c := queueCheck(t, err)
	assert.Equal(t, "push failed: no space left on device", c.Reason(), "the cause without the path")
	assert.NotContains(t, c.Reason(), "/var/lib")

	assert.Equal(t, 1, strings.Count(out.String(), "push to the queue failed"), "rate-limited:\n%s", out)
	assert.Contains(t, out.String(), "no space left on device")
	failed := rec.Of(cardbot.ObsPushFailed)
	require.Len(t, failed, 3, "every failure is counted")
	assert.Equal(t, cardbot.Observation{Kind: cardbot.ObsPushFailed, Provider: "fake", UpdateKind: cardbot.KindMessage,
		Outcome: cardbot.PushFailedError}, failed[0])

	q.setFull(false)
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "x"), "k9")))
	assert.NoError(t, b.Ready(ctx), "a push that succeeds makes it ready again")
	assert.Contains(t, out.String(), "the queue takes pushes again")
}

// A push that fails for a reason that says nothing of the queue does not
// make the bot not ready.
func TestPushFailureThatSaysNothingOfTheQueue(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		counted string // the reason counted, "" for none
	}{
		{"the same key pushed right now", store.ErrInFlight, ""},
		{"the caller went away", context.Canceled, cardbot.PushFailedCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &failingQueue{durable: durable{store.NewMemoryQueue(0, 0)}, pushErr: tt.err}
			rec := &cardbottest.Observations{}
			b := newBot(cardbot.WithObserver(rec), delivery.WithAsync(delivery.Config{Queue: q}))
			t.Cleanup(func() { require.NoError(t, b.Shutdown(context.Background())) })
			require.Error(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("a", "x")))
			assert.NoError(t, b.Ready(t.Context()))
			if tt.counted == "" {
				assert.Empty(t, rec.Of(cardbot.ObsPushFailed))
				return
			}
			require.Len(t, rec.Of(cardbot.ObsPushFailed), 1)
			assert.Equal(t, tt.counted, rec.Of(cardbot.ObsPushFailed)[0].Outcome)
		})
	}
}

// A full memory queue is a push failure too, with its own reason. It runs
// in a synctest bubble: the Dispatch that finds no room waits the default
// QueueWait on the bubble's clock.
func TestPushFailureQueueFull(t *testing.T) { synctest.Test(t, pushFailureQueueFull) }

func pushFailureQueueFull(t *testing.T) {
	b := newBot(delivery.WithAsync(delivery.Config{QueueSize: 1, Concurrency: 1}))
	release := make(chan struct{})
	t.Cleanup(func() { close(release); require.NoError(t, b.Shutdown(context.Background())) })
	started := make(chan struct{}, 1)
	b.Handle(cardbot.OnAny, func(*cardbot.Context) error { started <- struct{}{}; <-release; return nil })
	p := newFake("fake")
	require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("a", "1"), "1")))
	<-started
	require.ErrorIs(t, b.Dispatch(t.Context(), p, keyed(textUpdate("a", "2"), "2")), store.ErrQueueFull)
	assert.Equal(t, "push failed: queue full", queueCheck(t, b.Ready(t.Context())).Reason())
}

// With no push after a failure, the bot is ready again PushFailureHold
// later, so that a probe that turned the traffic away does not keep it
// away.
func TestPushFailureHold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := &diskQueue{durable: durable{store.NewMemoryQueue(0, 0)}}
		q.setFull(true)
		b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
		require.Error(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("a", "x")))
		require.ErrorIs(t, b.Ready(t.Context()), cardbot.ErrNotReady)
		time.Sleep(delivery.PushFailureHold - time.Second)
		require.ErrorIs(t, b.Ready(t.Context()), cardbot.ErrNotReady, "still within the hold")
		time.Sleep(time.Second)
		assert.NoError(t, b.Ready(t.Context()))
		require.NoError(t, b.Shutdown(context.Background()))
	})
}
