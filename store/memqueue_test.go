package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/store"
)

// memConsumer runs Consume of a MemoryQueue, handing each delivery to the
// test through an unbuffered channel: deliver returns once the test took
// it.
type memConsumer struct {
	t    *testing.T
	got  chan store.Delivery
	done chan struct{} // closed when Consume returned
	err  error         // what it returned, once done is closed
}

// memConsume starts a consumer of q. At the end of the test it ends ctx,
// and releases what comes until Consume returns.
func memConsume(t *testing.T, ctx context.Context, q *store.MemoryQueue) *memConsumer {
	ctx, cancel := context.WithCancel(ctx)
	c := &memConsumer{t: t, got: make(chan store.Delivery), done: make(chan struct{})}
	go func() {
		c.err = q.Consume(ctx, func(d store.Delivery) { c.got <- d })
		close(c.done)
	}()
	t.Cleanup(func() {
		cancel()
		for {
			select {
			case d := <-c.got:
				_ = q.Release(context.Background(), d)
			case <-c.done:
				return
			case <-time.After(5 * time.Second):
				t.Error("Consume did not return at the end of the test")
				return
			}
		}
	})
	return c
}

func (c *memConsumer) next() store.Delivery {
	c.t.Helper()
	select {
	case d := <-c.got:
		return d
	case <-c.done:
		c.t.Fatalf("Consume returned %v while the test waited for a delivery", c.err)
	case <-time.After(5 * time.Second):
		c.t.Fatal("no delivery within 5 s")
	}
	return store.Delivery{}
}

// wait waits until Consume returned, and returns what it returned.
func (c *memConsumer) wait() error {
	c.t.Helper()
	select {
	case <-c.done:
		return c.err
	case <-time.After(5 * time.Second):
		c.t.Fatal("Consume did not return within 5 s")
		return nil
	}
}

// running reports whether Consume runs.
func (c *memConsumer) running() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

func memEntry(chat, key, update string) store.Entry {
	return store.Entry{Provider: "alpha", ChatID: chat, Key: key, Update: []byte(update)}
}

// TestMemoryQueueFull runs in synctest bubbles: the waits it measures
// come out the same however loaded the machine is.
func TestMemoryQueueFull(t *testing.T) {
	push := func(q *store.MemoryQueue, e store.Entry) error {
		ok, err := q.Push(context.Background(), e)
		if err == nil && !ok {
			return errors.New("duplicate")
		}
		return err
	}

	t.Run("no wait", inBubble(func(t *testing.T) {
		ctx := t.Context()
		q := store.NewMemoryQueue(2, 0)
		require.NoError(t, push(q, memEntry("chat", "k1", "1")))
		require.NoError(t, push(q, memEntry("chat", "k2", "2")))
		start := time.Now()
		require.ErrorIs(t, push(q, memEntry("chat", "k3", "3")), store.ErrQueueFull)
		assert.Less(t, time.Since(start), 50*time.Millisecond, "a queue without wait fails at once")
		assert.True(t, retryable(store.ErrQueueFull), "the webhook answers 503")

		// Delivered and not acknowledged still takes room; Release keeps
		// it; Ack frees it. The key of the Push that failed is not
		// remembered.
		c := memConsume(t, ctx, q)
		d1, d2 := c.next(), c.next()
		require.ErrorIs(t, push(q, memEntry("chat", "k3", "3")), store.ErrQueueFull)
		require.NoError(t, q.Release(ctx, d1))
		require.ErrorIs(t, push(q, memEntry("chat", "k3", "3")), store.ErrQueueFull)
		d1 = c.next()
		require.Equal(t, "1", string(d1.Update))
		require.NoError(t, q.Ack(ctx, d1))
		require.NoError(t, push(q, memEntry("chat", "k3", "3")))
		require.ErrorIs(t, push(q, memEntry("chat", "k4", "4")), store.ErrQueueFull)

		// A dead letter frees its room, and needs room to be replayed.
		require.NoError(t, q.DeadLetter(ctx, d2, "failed"))
		require.NoError(t, push(q, memEntry("chat", "k4", "4")))
		dead, err := q.DeadLetters(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		require.ErrorIs(t, q.Replay(ctx, dead[0].ID), store.ErrQueueFull)
		dead, err = q.DeadLetters(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1, "a Replay that failed keeps the dead letter")
		require.NoError(t, q.Ack(ctx, c.next()))
		require.NoError(t, q.Replay(ctx, dead[0].ID))
		for _, want := range []string{"4", "2"} {
			d := c.next()
			assert.Equal(t, want, string(d.Update))
			require.NoError(t, q.Ack(ctx, d))
		}
	}))

	t.Run("wait", inBubble(func(t *testing.T) {
		ctx := t.Context()
		const wait = 100 * time.Millisecond
		q := store.NewMemoryQueue(1, wait)
		require.NoError(t, push(q, memEntry("chat", "k1", "1")))
		start := time.Now()
		require.ErrorIs(t, push(q, memEntry("chat", "k2", "2")), store.ErrQueueFull)
		assert.GreaterOrEqual(t, time.Since(start), wait*9/10, "Push waits for room")

		// An end of the wait's context ends it.
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		start = time.Now()
		_, err := q.Push(cancelled, memEntry("chat", "k2", "2"))
		require.ErrorIs(t, err, store.ErrQueueFull)
		assert.Less(t, time.Since(start), wait/2)

		// Room freed during the wait goes to the Push.
		c := memConsume(t, ctx, q)
		d1 := c.next()
		pushed := make(chan error, 1)
		go func() { pushed <- push(q, memEntry("chat", "k2", "2")) }()
		time.Sleep(wait / 4)
		require.NoError(t, q.Ack(ctx, d1))
		require.NoError(t, <-pushed)
		d2 := c.next()
		assert.Equal(t, "2", string(d2.Update))
		require.NoError(t, q.Ack(ctx, d2))
	}))
}

func TestMemoryQueueKeyBeingPushed(t *testing.T) {
	ctx := t.Context()
	q := store.NewMemoryQueue(1, 5*time.Second)
	ok, err := q.Push(ctx, memEntry("chat", "k0", "0"))
	require.NoError(t, err)
	require.True(t, ok)

	// Two Pushes of one key into the full queue: the first to begin waits
	// for room, and the other learns that the key is being pushed.
	type result struct {
		ok  bool
		err error
	}
	results := make(chan result, 2)
	for i := range 2 {
		go func() {
			ok, err := q.Push(ctx, memEntry(fmt.Sprint("chat-", i), "k1", fmt.Sprint("1-", i)))
			results <- result{ok, err}
		}()
	}
	var first result
	select {
	case first = <-results:
	case <-time.After(time.Second):
		t.Fatal("neither of two Pushes of one key returned at once")
	}
	require.ErrorIs(t, first.err, store.ErrInFlight)
	assert.False(t, first.ok)
	assert.True(t, retryable(first.err), "the provider delivers it again")

	c := memConsume(t, ctx, q)
	require.NoError(t, q.Ack(ctx, c.next()))
	second := <-results
	require.NoError(t, second.err)
	assert.True(t, second.ok)
	require.NoError(t, q.Ack(ctx, c.next()))

	// Pushed: now a duplicate, no longer in flight.
	ok, err = q.Push(ctx, memEntry("chat", "k1", "1-again"))
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestMemoryQueueConsumeAfterEnd(t *testing.T) {
	t.Run("delivers what it holds", inBubble(func(t *testing.T) {
		q := store.NewMemoryQueue(0, 0)
		for i := range 3 {
			_, err := q.Push(t.Context(), memEntry("chat", "", fmt.Sprint(i)))
			require.NoError(t, err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		c := memConsume(t, ctx, q)
		for i := range 3 {
			d := c.next()
			assert.Equal(t, fmt.Sprint(i), string(d.Update))
			synctest.Wait() // Consume has returned, if it would
			require.True(t, c.running(), "Consume returned with an entry held")
			require.NoError(t, q.Ack(t.Context(), d))
		}
		require.NoError(t, c.wait())
	}))

	t.Run("stops after a release", func(t *testing.T) {
		q := store.NewMemoryQueue(0, 0)
		for i := range 3 {
			_, err := q.Push(t.Context(), memEntry("chat", "", fmt.Sprint(i)))
			require.NoError(t, err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		c := memConsume(t, ctx, q)
		// The consumer gives up: it releases what it gets. Consume may be
		// handing "1" over already when "0" is released; nothing after.
		var got []string
	loop:
		for {
			select {
			case d := <-c.got:
				got = append(got, string(d.Update))
				require.NoError(t, q.Release(t.Context(), d))
			case <-c.done:
				require.NoError(t, c.err)
				break loop
			case <-time.After(5 * time.Second):
				t.Fatal("Consume did not return once the consumer released what it held")
			}
		}
		assert.Contains(t, [][]string{{"0"}, {"0", "1"}}, got)
	})
}

func TestMemoryQueueReleasePlace(t *testing.T) {
	// Released entries go back to their place, whatever the order of the
	// releases, behind nothing pushed after them.
	ctx := t.Context()
	q := store.NewMemoryQueue(0, 0)
	for i := range 4 {
		_, err := q.Push(ctx, memEntry(fmt.Sprint("chat-", i%2), "", fmt.Sprint(i)))
		require.NoError(t, err)
	}
	c := memConsume(t, ctx, q)
	var held []store.Delivery
	for range 3 {
		held = append(held, c.next())
	}
	// Consume may be waiting in deliver with "3" already: it may come
	// first.
	for _, i := range []int{2, 0, 1} {
		require.NoError(t, q.Release(ctx, held[i]))
	}
	var got []string
	for range 4 {
		d := c.next()
		if u := string(d.Update); u != "3" {
			got = append(got, u)
		}
		require.NoError(t, q.Ack(ctx, d))
	}
	assert.Equal(t, []string{"0", "1", "2"}, got)
}

// TestMemoryQueueDeadLettersAreBounded: a MemoryQueue keeps the newest
// 10,000 dead letters; the oldest go first.
func TestMemoryQueueDeadLettersAreBounded(t *testing.T) {
	const kept = 10_000
	ctx := t.Context()
	q := store.NewMemoryQueue(1, 0)
	c := memConsume(t, ctx, q)
	for i := range kept + 2 {
		_, err := q.Push(ctx, memEntry("c", "", fmt.Sprint(i)))
		require.NoError(t, err)
		require.NoError(t, q.DeadLetter(ctx, c.next(), "failed"))
	}
	dead, err := q.DeadLetters(ctx, 2*kept)
	require.NoError(t, err)
	require.Len(t, dead, kept)
	assert.Equal(t, "2", string(dead[0].Update), "the two oldest went")
	assert.Equal(t, fmt.Sprint(kept+1), string(dead[kept-1].Update))
}

// retryable reports whether err says a later attempt may succeed, by the
// method Retryable() bool that cardbot.IsRetryable looks for.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

// inBubble runs f in a synctest bubble, on its fake clock.
func inBubble(f func(t *testing.T)) func(t *testing.T) {
	return func(t *testing.T) { synctest.Test(t, f) }
}
