package cardbot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStateLeaseRanOut runs a handling longer than the shared lease on
// one bot while another bot handles the next update of the chat: the
// later save of the two loses its compare-and-set, and its update fails
// with ErrStateConflict instead of overwriting the other's change.
func TestStateLeaseRanOut(t *testing.T) {
	cfg := cardbot.StateConfig{Store: cardbot.NewMemoryStateStore(), Locker: cardbot.NewMemoryLocker(), LockTTL: 20 * time.Millisecond}
	slow, fast := newBot(cardbot.WithState(cfg)), newBot(cardbot.WithState(cfg))
	entered, finish := make(chan struct{}), make(chan struct{})
	count := func(c *cardbot.Context) error {
		n, err := cardbot.GetData[int](c)
		if err != nil {
			return err
		}
		return cardbot.SetData(c, n+1)
	}
	slow.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		close(entered)
		<-finish
		return count(c)
	})
	fast.Handle(cardbot.OnText, count)
	f := newFake("alpha")
	done := make(chan error, 1)
	go func() { done <- slow.Dispatch(context.Background(), f, textUpdate("c", "slow")) }()
	<-entered
	time.Sleep(40 * time.Millisecond) // the slow one's lease runs out
	require.NoError(t, fast.Dispatch(context.Background(), f, textUpdate("c", "fast")))
	close(finish)
	err := <-done
	require.ErrorIs(t, err, cardbot.ErrStateConflict)
	assert.True(t, cardbot.IsRetryable(err))
	rec, err := cfg.Store.Load(context.Background(), "c\x00alpha\x00c")
	require.NoError(t, err)
	assert.Equal(t, "1", string(rec.Data), "the save that lost must not overwrite")
	// Delivered again, the slow update counts on the state that won.
	require.NoError(t, fast.Dispatch(context.Background(), f, textUpdate("c", "slow")))
	rec, err = cfg.Store.Load(context.Background(), "c\x00alpha\x00c")
	require.NoError(t, err)
	assert.Equal(t, "2", string(rec.Data))
}

// brokenLocker fails every Acquire.
type brokenLocker struct{ cardbot.MemoryLocker }

var errLockerDown = errors.New("locker down")

func (*brokenLocker) Acquire(context.Context, string, string, time.Duration) (bool, error) {
	return false, errLockerDown
}

func TestStateLockerFails(t *testing.T) {
	b := newBot(cardbot.WithState(cardbot.StateConfig{Locker: &brokenLocker{}}))
	ran := false
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { ran = true; return nil })
	err := b.Dispatch(context.Background(), newFake("alpha"), textUpdate("c", "hi"))
	require.ErrorIs(t, err, errLockerDown)
	assert.True(t, cardbot.IsRetryable(err))
	assert.False(t, ran)
	// The conversation is free again within the process.
	b2 := newBot(cardbot.WithState(cardbot.StateConfig{}))
	b2.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil })
	require.NoError(t, b2.Dispatch(context.Background(), newFake("alpha"), textUpdate("c", "hi")))
}

// handOver is a Queue whose first delivery's Owned ends while it is
// handled, as when a shared queue gives the partition to another
// consumer; later deliveries are owned for as long as Consume runs (nil).
type handOver struct {
	*cardbot.MemoryQueue
	mu     sync.Mutex
	cancel context.CancelFunc // of the first delivery, until it ended
	n      int
}

func (q *handOver) Consume(ctx context.Context, deliver func(cardbot.Delivery)) error {
	return q.MemoryQueue.Consume(ctx, func(d cardbot.Delivery) {
		q.mu.Lock()
		q.n++
		if q.n == 1 {
			d.Owned, q.cancel = context.WithCancel(context.Background())
		}
		q.mu.Unlock()
		deliver(d)
	})
}

// loseIt ends the first delivery's Owned.
func (q *handOver) loseIt() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cancel()
}

// TestStateAsyncHandedOn: an async handling whose delivery was handed to
// another consumer meanwhile saves nothing; the update is released, and
// its next delivery applies it once.
func TestStateAsyncHandedOn(t *testing.T) {
	q := &handOver{MemoryQueue: cardbot.NewMemoryQueue(0, 0)}
	store := cardbot.NewMemoryStateStore()
	b := newBot(cardbot.WithState(cardbot.StateConfig{Store: store}),
		cardbot.WithAsync(cardbot.AsyncConfig{Queue: q, MinRetryWait: time.Millisecond}))
	var mu sync.Mutex
	runs := 0
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		mu.Lock()
		runs++
		first := runs == 1
		mu.Unlock()
		if first {
			q.loseIt()
		}
		n, err := cardbot.GetData[int](c)
		if err != nil {
			return err
		}
		return cardbot.SetData(c, n+1)
	})
	require.NoError(t, b.Dispatch(context.Background(), newFake("alpha"), keyed(textUpdate("c", "one"), "k1")))
	require.Eventually(t, func() bool {
		rec, err := store.Load(context.Background(), "c\x00alpha\x00c")
		return err == nil && rec.Version != 0
	}, 5*time.Second, time.Millisecond)
	require.NoError(t, b.Shutdown(context.Background()))
	mu.Lock()
	assert.Equal(t, 2, runs, "handled once by the lost delivery, once by the next")
	mu.Unlock()
	rec, err := store.Load(context.Background(), "c\x00alpha\x00c")
	require.NoError(t, err)
	assert.Equal(t, "1", string(rec.Data), "the lost delivery's change must not be saved")
}
