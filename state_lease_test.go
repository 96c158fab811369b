package cardbot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renewalsFail is a MemoryLocker that takes leases but cannot renew
// them while cut: an instance cut off from the Locker while it handles
// an update.
type renewalsFail struct {
	*store.MemoryLocker
	mu   sync.Mutex
	took map[string]bool // name + owner of each lease taken
	cut  bool
}

func (l *renewalsFail) reconnect() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut = false
}

var errRenewal = errors.New("locker unreachable")

func (l *renewalsFail) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut && l.took[name+"\x00"+owner] {
		return false, errRenewal
	}
	ok, err := l.MemoryLocker.Acquire(ctx, name, owner, ttl)
	if ok {
		l.took[name+"\x00"+owner] = true
	}
	return ok, err
}

// dispatchHeld has b count a text of chat "c" from f (countText), its
// handler held until release is closed; it returns once the handler has
// begun, with the outcome of the Dispatch to come.
func dispatchHeld(b *cardbot.Bot, f cardbot.Provider, release <-chan struct{}) <-chan error {
	entered := make(chan struct{})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		close(entered)
		<-release
		return countText(c)
	})
	done := make(chan error, 1)
	go func() { done <- b.Dispatch(context.Background(), f, textUpdate("c", "slow")) }()
	<-entered
	return done
}

// TestStateLeaseRanOut runs a handling longer than the shared lease on
// one bot, whose renewals of the lease fail, while another bot handles
// the next update of the chat: the later save of the two loses its
// compare-and-set, and its update fails with ErrStateConflict instead of
// overwriting the other's change. Reconnected, the first bot finds its
// lease taken and stops renewing it.
//
// It runs in a synctest bubble: the lease runs out on the bubble's clock,
// however loaded the machine is.
func TestStateLeaseRanOut(t *testing.T) { synctest.Test(t, stateLeaseRanOut) }

func stateLeaseRanOut(t *testing.T) {
	locker := &renewalsFail{MemoryLocker: store.NewMemoryLocker(), took: map[string]bool{}, cut: true}
	cfg := cardbot.StateConfig{Store: store.NewMemoryStateStore(), Locker: locker, LockTTL: 20 * time.Millisecond}
	logger, logs := logged()
	slow, fast := newBot(cardbot.WithState(cfg), cardbot.WithLogger(logger)), newBot(cardbot.WithState(cfg))
	fast.Handle(cardbot.OnText, countText)
	f := newFake("alpha")
	finish := make(chan struct{})
	done := dispatchHeld(slow, f, finish)
	time.Sleep(40 * time.Millisecond) // the slow one's lease runs out
	require.NoError(t, fast.Dispatch(context.Background(), f, textUpdate("c", "fast")))
	ok, err := locker.MemoryLocker.Acquire(context.Background(), "cardbot-state:"+convKey, "another", time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "a third instance holds the conversation now")
	locker.reconnect()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "lease ran out") }, 5*time.Second, time.Millisecond)
	require.NoError(t, locker.MemoryLocker.Release(context.Background(), "cardbot-state:"+convKey, "another"))
	close(finish)
	err = <-done
	require.ErrorIs(t, err, store.ErrStateConflict)
	assert.True(t, cardbot.IsRetryable(err))
	assert.Contains(t, logs.String(), "renewing the conversation's lease failed")
	assert.Contains(t, logs.String(), errRenewal.Error())
	rec, err := cfg.Store.Load(context.Background(), convKey)
	require.NoError(t, err)
	assert.Equal(t, "1", string(rec.Data), "the save that lost must not overwrite")
	// Delivered again, the slow update counts on the state that won.
	require.NoError(t, fast.Dispatch(context.Background(), f, textUpdate("c", "slow")))
	rec, err = cfg.Store.Load(context.Background(), convKey)
	require.NoError(t, err)
	assert.Equal(t, "2", string(rec.Data))
}

// TestStateLeaseRenewed: a handling that lasts many times LockTTL keeps
// its conversation on the shared Locker, so that another instance's
// update of the chat waits, and fails with ErrChatBusy after its
// LockWait, instead of running on the state the handling is changing;
// delivered again after it, it runs on the saved state.
//
// It runs in a synctest bubble: on a loaded machine a renewal every 7 ms
// of real time can come late, the lease lapse, and the fast bot take the
// chat; in the bubble the renewals come on time.
func TestStateLeaseRenewed(t *testing.T) {
	synctest.Test(t, stateLeaseRenewed)
}

func stateLeaseRenewed(t *testing.T) {
	locker := store.NewMemoryLocker()
	store := store.NewMemoryStateStore()
	cfg := cardbot.StateConfig{Store: store, Locker: locker, LockTTL: 20 * time.Millisecond}
	slow := newBot(cardbot.WithState(cfg))
	cfg.LockWait = 100 * time.Millisecond
	fast := newBot(cardbot.WithState(cfg))
	fast.Handle(cardbot.OnText, countText)
	f := newFake("alpha")
	finish := make(chan struct{})
	done := dispatchHeld(slow, f, finish)
	err := fast.Dispatch(context.Background(), f, textUpdate("c", "fast")) // waits five times LockTTL
	close(finish)
	require.ErrorIs(t, err, cardbot.ErrChatBusy)
	assert.True(t, cardbot.IsRetryable(err))
	require.NoError(t, <-done)
	require.NoError(t, fast.Dispatch(context.Background(), f, textUpdate("c", "fast")))
	rec, err := store.Load(context.Background(), convKey)
	require.NoError(t, err)
	assert.Equal(t, "2", string(rec.Data), "each update counted once, one after the other")
	ok, err := locker.Acquire(context.Background(), "cardbot-state:"+convKey, "someone", time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "the lease was released, and the renewals ended with it")
}

// brokenLocker fails every Acquire.
type brokenLocker struct{ store.MemoryLocker }

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
	*store.MemoryQueue
	mu     sync.Mutex
	cancel context.CancelFunc // of the first delivery, until it ended
	n      int
}

func (q *handOver) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	return q.MemoryQueue.Consume(ctx, func(d store.Delivery) {
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
	q := &handOver{MemoryQueue: store.NewMemoryQueue(0, 0)}
	store := store.NewMemoryStateStore()
	b := newBot(cardbot.WithState(cardbot.StateConfig{Store: store}),
		delivery.WithAsync(delivery.Config{Queue: q, MinRetryWait: time.Millisecond}))
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
		return countText(c)
	})
	require.NoError(t, b.Dispatch(context.Background(), newFake("alpha"), keyed(textUpdate("c", "one"), "k1")))
	require.Eventually(t, func() bool {
		rec, err := store.Load(context.Background(), convKey)
		return err == nil && rec.Version != 0
	}, 5*time.Second, time.Millisecond)
	require.NoError(t, b.Shutdown(context.Background()))
	mu.Lock()
	assert.Equal(t, 2, runs, "handled once by the lost delivery, once by the next")
	mu.Unlock()
	rec, err := store.Load(context.Background(), convKey)
	require.NoError(t, err)
	assert.Equal(t, "1", string(rec.Data), "the lost delivery's change must not be saved")
}
