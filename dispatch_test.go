package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
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

func TestDedup(t *testing.T) {
	t.Run("duplicate after success is skipped", func(t *testing.T) {
		b := newBot()
		var n int
		b.Handle(cardbot.OnText, func(*cardbot.Context) error { n++; return nil })
		p := newFake("fake")
		u := keyed(textUpdate("c", "x"), "k1")
		require.NoError(t, b.Dispatch(t.Context(), p, u))
		require.NoError(t, b.Dispatch(t.Context(), p, u))
		assert.Equal(t, 1, n)
	})
	t.Run("redelivery after failure is handled", func(t *testing.T) {
		b := newBot()
		var n int
		b.Handle(cardbot.OnText, func(*cardbot.Context) error {
			n++
			if n == 1 {
				return cardbot.Retryable(errors.New("db down"))
			}
			return nil
		})
		p := newFake("fake")
		u := keyed(textUpdate("c", "x"), "k1")
		err := b.Dispatch(t.Context(), p, u)
		require.Error(t, err)
		assert.True(t, cardbot.IsRetryable(err))
		require.NoError(t, b.Dispatch(t.Context(), p, u))
		require.NoError(t, b.Dispatch(t.Context(), p, u))
		assert.Equal(t, 2, n)
	})
	t.Run("concurrent duplicate in flight is retryable", func(t *testing.T) {
		b := newBot()
		started, release := make(chan struct{}), make(chan struct{})
		b.Handle(cardbot.OnText, func(*cardbot.Context) error {
			close(started)
			<-release
			return nil
		})
		p := newFake("fake")
		u := keyed(textUpdate("c", "x"), "k1")
		done := make(chan error)
		go func() { done <- b.Dispatch(context.Background(), p, u) }()
		<-started
		err := b.Dispatch(t.Context(), p, u)
		require.ErrorIs(t, err, store.ErrInFlight)
		assert.True(t, cardbot.IsRetryable(err))
		close(release)
		require.NoError(t, <-done)
		require.NoError(t, b.Dispatch(t.Context(), p, u)) // done: skipped, no second close
	})
	t.Run("keys are per provider", func(t *testing.T) {
		b := newBot()
		var n int
		b.Handle(cardbot.OnText, func(*cardbot.Context) error { n++; return nil })
		u := keyed(textUpdate("c", "x"), "k1")
		require.NoError(t, b.Dispatch(t.Context(), newFake("a"), u))
		require.NoError(t, b.Dispatch(t.Context(), newFake("b"), u))
		assert.Equal(t, 2, n)
	})
	t.Run("memory store forgets after its TTL", inBubble(func(t *testing.T) { // the TTL passes on the bubble's clock
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 10, TTL: 20 * time.Millisecond})
		ctx := t.Context()
		st, _ := s.Begin(ctx, "k")
		assert.Equal(t, store.DedupNew, st)
		st, _ = s.Begin(ctx, "k")
		assert.Equal(t, store.DedupInFlight, st)
		require.NoError(t, s.End(ctx, "k", true))
		st, _ = s.Begin(ctx, "k")
		assert.Equal(t, store.DedupDone, st)
		time.Sleep(30 * time.Millisecond)
		st, _ = s.Begin(ctx, "k")
		assert.Equal(t, store.DedupNew, st)
	}))
	t.Run("memory store is bounded", func(t *testing.T) {
		s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 2, TTL: time.Hour})
		ctx := t.Context()
		for _, k := range []string{"a", "b", "c"} {
			_, _ = s.Begin(ctx, k)
			require.NoError(t, s.End(ctx, k, true))
		}
		st, _ := s.Begin(ctx, "a")
		assert.Equal(t, store.DedupNew, st, "oldest key evicted")
		st, _ = s.Begin(ctx, "c")
		assert.Equal(t, store.DedupDone, st)
	})
}

func TestSyncErrors(t *testing.T) {
	permanent := errors.New("bad input")
	tests := []struct {
		name      string
		handler   cardbot.HandlerFunc
		retryable bool
		reported  bool
		check     func(t *testing.T, err error)
	}{
		{"nil", func(*cardbot.Context) error { return nil }, false, false, func(t *testing.T, err error) { require.NoError(t, err) }},
		{"retryable", func(*cardbot.Context) error { return fmt.Errorf("saving: %w", cardbot.Retryable(permanent)) }, true, false, nil},
		{"permanent", func(*cardbot.Context) error { return permanent }, false, true, func(t *testing.T, err error) { require.ErrorIs(t, err, permanent) }},
		{"panic", func(*cardbot.Context) error { panic("boom") }, false, true, func(t *testing.T, err error) {
			var pe *cardbot.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "boom", pe.Value)
			assert.Contains(t, string(pe.Stack), "dispatch_test.go")
			assert.Contains(t, err.Error(), "goroutine")
		}},
		{"panic with error", func(*cardbot.Context) error { panic(permanent) }, false, true, func(t *testing.T, err error) { require.ErrorIs(t, err, permanent) }},
		{"panic with retryable error stays permanent", func(*cardbot.Context) error { panic(cardbot.Retryable(permanent)) }, false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec cardbottest.Errors
			b := newBot(cardbot.WithErrorHandler(rec.Handle))
			b.Handle(cardbot.OnText, tt.handler)
			err := b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "x"))
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			if tt.reported {
				require.Len(t, rec.Get(), 1)
				assert.Equal(t, err, rec.Get()[0])
			} else {
				assert.Empty(t, rec.Get())
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestPanicInPredicateIsRecovered(t *testing.T) {
	var rec cardbottest.Errors
	b := newBot(cardbot.WithErrorHandler(rec.Handle))
	b.Handle(cardbot.Match(func(*cardbot.Update) bool { panic("predicate") }), func(*cardbot.Context) error { return nil })
	err := b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "x"))
	var pe *cardbot.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Len(t, rec.Get(), 1)
}

func TestPanicInErrorHandlerIsRecovered(t *testing.T) {
	b := newBot(cardbot.WithErrorHandler(func(*cardbot.Context, error) { panic("handler of errors") }))
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { return errors.New("x") })
	assert.NotPanics(t, func() {
		_ = b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "x"))
	})
}

type tempErr struct{ temp bool }

func (e tempErr) Error() string   { return "temp" }
func (e tempErr) Temporary() bool { return e.temp }

type providerErr struct{ retry bool }

func (e providerErr) Error() string   { return "provider" }
func (e providerErr) Retryable() bool { return e.retry }

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("x"), false},
		{"Retryable", cardbot.Retryable(errors.New("x")), true},
		{"Retryable(nil)", cardbot.Retryable(nil), false},
		{"wrapped Retryable", fmt.Errorf("a: %w", cardbot.Retryable(errors.New("x"))), true},
		{"Temporary true", tempErr{true}, true},
		{"Temporary false", tempErr{false}, false},
		{"provider transient", fmt.Errorf("send: %w", providerErr{true}), true},
		{"provider permanent", providerErr{false}, false},
		{"provider permanent over temporary", fmt.Errorf("%w: %w", providerErr{false}, tempErr{true}), false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"canceled", context.Canceled, true},
		{"net timeout", &net.OpError{Op: "dial", Err: tempErr{true}}, true},
		{"queue full", store.ErrQueueFull, true},
		{"shutting down", cardbot.ErrShuttingDown, true},
		{"in flight", store.ErrInFlight, true},
		{"panic", cardbot.NewPanicError(cardbot.Retryable(errors.New("x"))), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cardbot.IsRetryable(tt.err))
		})
	}
}

func TestHandlerTimeout(t *testing.T) {
	b := newBot(cardbot.WithHandlerTimeout(20 * time.Millisecond))
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		select {
		case <-c.Context().Done():
			return c.Context().Err()
		case <-time.After(5 * time.Second):
			return errors.New("not cancelled")
		}
	})
	err := b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "x"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, cardbot.IsRetryable(err))
}

func TestAsyncPerChatOrder(t *testing.T) {
	const chats, perChat, workers = 8, 50, 3
	var (
		mu      sync.Mutex
		got     = map[string][]int{}
		running atomic.Int32
		maxRun  atomic.Int32
		wg      sync.WaitGroup
	)
	var rec cardbottest.Errors
	b := newBot(delivery.WithAsync(delivery.Config{QueueSize: chats * perChat, Concurrency: workers}), cardbot.WithErrorHandler(rec.Handle))
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		defer wg.Done()
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRun.Load()
			if n <= m || maxRun.CompareAndSwap(m, n) {
				break
			}
		}
		var i int
		_, _ = fmt.Sscan(c.Text(), &i)
		time.Sleep(time.Duration(i%3) * 100 * time.Microsecond)
		mu.Lock()
		got[c.Chat().ID] = append(got[c.Chat().ID], i)
		mu.Unlock()
		return nil
	})
	p := newFake("fake")
	wg.Add(chats * perChat)
	for i := range perChat {
		for c := range chats {
			u := keyed(textUpdate(fmt.Sprint("chat", c), fmt.Sprint(i)), fmt.Sprint(c, "/", i))
			require.NoError(t, b.Dispatch(t.Context(), p, u))
		}
	}
	wg.Wait()
	require.NoError(t, b.Shutdown(t.Context()))
	require.Len(t, got, chats)
	for chat, seq := range got {
		require.Len(t, seq, perChat, chat)
		for i, v := range seq {
			require.Equal(t, i, v, "chat %s out of order: %v", chat, seq)
		}
	}
	assert.LessOrEqual(t, maxRun.Load(), int32(workers))
	assert.Greater(t, maxRun.Load(), int32(1), "chats ran in parallel")
	assert.Empty(t, rec.Get())
}

// blockingBot is an async bot whose OnText handler waits for release.
func blockingBot(t *testing.T, cfg delivery.Config, opts ...cardbot.Option) (b *cardbot.Bot, started chan string, release chan struct{}, handled *atomic.Int32) {
	started, release = make(chan string, 100), make(chan struct{})
	handled = new(atomic.Int32)
	b = newBot(append(opts, delivery.WithAsync(cfg))...)
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		started <- c.Text()
		select {
		case <-release:
		case <-c.Context().Done():
			return c.Context().Err()
		}
		handled.Add(1)
		return nil
	})
	return b, started, release, handled
}

func TestAsyncQueueFull(t *testing.T) {
	b, started, release, handled := blockingBot(t, delivery.Config{QueueSize: 3, Concurrency: 1, QueueWait: -1})
	p := newFake("fake")
	ctx := t.Context()
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "1"), "1")))
	<-started // running, and still counted until it is handled
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("b", "2"), "2")))
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "3"), "3")))
	err := b.Dispatch(ctx, p, keyed(textUpdate("c", "4"), "4"))
	require.ErrorIs(t, err, store.ErrQueueFull)
	assert.True(t, cardbot.IsRetryable(err))
	close(release)
	require.NoError(t, b.Shutdown(ctx))
	assert.Equal(t, int32(3), handled.Load())
}

// TestAsyncQueueWait: a full queue makes Dispatch wait for room, up to
// QueueWait, and no longer than the webhook request or the bot lasts.
func TestAsyncQueueWait(t *testing.T) {
	const wait = 300 * time.Millisecond
	full := func(t *testing.T, opts ...cardbot.Option) (*cardbot.Bot, *fakeProvider, chan string, chan struct{}, *atomic.Int32) {
		b, started, release, handled := blockingBot(t, delivery.Config{QueueSize: 2, Concurrency: 1, QueueWait: wait}, opts...)
		p := newFake("fake")
		require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("a", "1"), "1")))
		<-started // running
		require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("b", "2"), "2")))
		return b, p, started, release, handled // the queue is full
	}

	t.Run("room made in time", inBubble(func(t *testing.T) {
		b, p, started, release, handled := full(t)
		go func() {
			time.Sleep(wait / 3)
			release <- struct{}{} // 1 ends, 2 starts: room for 3
		}()
		begin := time.Now()
		require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("c", "3"), "3")))
		assert.Less(t, time.Since(begin), wait, "taken as soon as there was room")
		assert.Equal(t, "2", <-started)
		close(release)
		require.NoError(t, b.Shutdown(t.Context()))
		assert.Equal(t, int32(3), handled.Load())
	}))
	t.Run("no room in time", inBubble(func(t *testing.T) {
		b, p, _, release, handled := full(t)
		begin := time.Now()
		err := b.Dispatch(t.Context(), p, keyed(textUpdate("c", "3"), "3"))
		require.ErrorIs(t, err, store.ErrQueueFull)
		assert.GreaterOrEqual(t, time.Since(begin), wait)
		close(release)
		require.Eventually(t, func() bool { return handled.Load() == 2 }, 5*time.Second, time.Millisecond)
		require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("c", "3"), "3")), "3 was not remembered")
		require.NoError(t, b.Shutdown(t.Context()))
		assert.Equal(t, int32(3), handled.Load())
	}))
	t.Run("the request ends", inBubble(func(t *testing.T) {
		b, p, _, release, _ := full(t)
		ctx, cancel := context.WithTimeout(t.Context(), wait/10)
		defer cancel()
		begin := time.Now()
		require.ErrorIs(t, b.Dispatch(ctx, p, keyed(textUpdate("c", "3"), "3")), store.ErrQueueFull)
		assert.Less(t, time.Since(begin), wait)
		close(release)
		require.NoError(t, b.Shutdown(t.Context()))
	}))
	t.Run("shutdown gives up", inBubble(func(t *testing.T) {
		b, p, _, _, _ := full(t)
		errc := make(chan error, 1)
		go func() { errc <- b.Dispatch(context.Background(), p, keyed(textUpdate("c", "3"), "3")) }()
		synctest.Wait() // Dispatch is waiting for room
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // Shutdown gives up at once: the running handler is cancelled
		assert.Error(t, b.Shutdown(ctx))
		select {
		case err := <-errc:
			require.ErrorIs(t, err, cardbot.ErrShuttingDown)
		case <-time.After(wait / 2):
			t.Fatal("Dispatch still waits after Shutdown gave up")
		}
	}))
}

func TestAsyncRejectedKeyIsNotRemembered(t *testing.T) {
	b, started, release, handled := blockingBot(t, delivery.Config{QueueSize: 2, Concurrency: 1, QueueWait: -1})
	p := newFake("fake")
	ctx := t.Context()
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "1"), "1")))
	<-started
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "2"), "2")))
	require.ErrorIs(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "3"), "3")), store.ErrQueueFull)
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "2"), "2")), "a queued key is a duplicate")
	close(release)
	<-started
	// Wait until 2 is handled, then the rejected 3 is taken on redelivery.
	require.Eventually(t, func() bool { return handled.Load() == 2 }, 5*time.Second, time.Millisecond)
	require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "3"), "3")))
	require.NoError(t, b.Shutdown(ctx))
	assert.Equal(t, int32(3), handled.Load())
}

func TestShutdownDrains(t *testing.T) {
	b, started, release, handled := blockingBot(t, delivery.Config{QueueSize: 10, Concurrency: 2})
	p := newFake("fake")
	ctx := t.Context()
	for i := range 6 {
		require.NoError(t, b.Dispatch(ctx, p, textUpdate(fmt.Sprint("chat", i%3), fmt.Sprint(i))))
	}
	<-started
	done := make(chan error)
	go func() { done <- b.Shutdown(ctx) }()
	require.Eventually(t, func() bool {
		// A probe without handler: taken (and harmless) until Shutdown begins.
		return errors.Is(b.Dispatch(ctx, p, cardbot.Update{Chat: cardbot.Chat{ID: "probe"}}), cardbot.ErrShuttingDown)
	}, 5*time.Second, time.Millisecond)
	select {
	case <-done:
		t.Fatal("Shutdown returned before the queue drained")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, int32(6), handled.Load())
}

func TestShutdownTimeoutCancelsHandlers(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprint("async=", async), func(t *testing.T) {
			var rec cardbottest.Errors
			started := make(chan struct{}, 10)
			var opts []cardbot.Option
			if async {
				opts = append(opts, delivery.WithAsync(delivery.Config{QueueSize: 10, Concurrency: 1}))
			}
			b := newBot(append(opts, cardbot.WithErrorHandler(rec.Handle))...)
			cancelled := make(chan error, 10)
			b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
				started <- struct{}{}
				<-c.Context().Done()
				cancelled <- c.Context().Err()
				return c.Context().Err()
			})
			p := newFake("fake")
			go func() { _ = b.Dispatch(context.Background(), p, textUpdate("a", "1")) }()
			<-started
			if async {
				require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("a", "2"))) // queued, dropped
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			require.ErrorIs(t, b.Shutdown(ctx), context.DeadlineExceeded)
			require.ErrorIs(t, <-cancelled, context.Canceled)
			select {
			case <-started:
				t.Fatal("a queued update ran after Shutdown gave up")
			case <-time.After(20 * time.Millisecond):
			}
		})
	}
}

func TestSyncShutdownWaitsForRunning(t *testing.T) {
	b := newBot()
	started, release := make(chan struct{}), make(chan struct{})
	b.Handle(cardbot.OnText, func(*cardbot.Context) error {
		close(started)
		<-release
		return nil
	})
	p := newFake("fake")
	go func() { _ = b.Dispatch(context.Background(), p, textUpdate("a", "1")) }()
	<-started
	done := make(chan error)
	go func() { done <- b.Shutdown(context.Background()) }()
	require.Eventually(t, func() bool {
		return errors.Is(b.Dispatch(t.Context(), p, cardbot.Update{Chat: cardbot.Chat{ID: "probe"}}), cardbot.ErrShuttingDown)
	}, 5*time.Second, time.Millisecond)
	close(release)
	require.NoError(t, <-done)
}

func TestAsyncErrorsGoToErrorHandler(t *testing.T) {
	var rec cardbottest.Errors
	b := newBot(delivery.WithAsync(delivery.Config{MaxAttempts: -1}), cardbot.WithErrorHandler(rec.Handle))
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		if c.Text() == "panic" {
			panic("boom")
		}
		return cardbot.Retryable(errors.New("later"))
	})
	p := newFake("fake")
	require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("a", "x")))
	require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("a", "panic")))
	require.NoError(t, b.Shutdown(t.Context()))
	errs := rec.Get()
	require.Len(t, errs, 2)
	assert.True(t, cardbot.IsRetryable(errs[0]))
	assert.ErrorIs(t, errs[0], cardbot.ErrDeadLettered, "one attempt, then the dead letters")
	var pe *cardbot.PanicError
	assert.ErrorAs(t, errs[1], &pe)
}

func TestDispatchNilProvider(t *testing.T) {
	require.Error(t, newBot().Dispatch(t.Context(), nil, textUpdate("a", "x")))
}

func TestHandlerContextKeepsValues(t *testing.T) {
	type key struct{}
	for _, tt := range []struct {
		name string
		ctx  context.Context
		opts []cardbot.Option
	}{
		{"caller cannot cancel", context.WithValue(context.WithoutCancel(t.Context()), key{}, "v"), nil},
		{"caller can cancel", context.WithValue(t.Context(), key{}, "v"), nil},
		{"handler timeout", context.WithValue(context.Background(), key{}, "v"), []cardbot.Option{cardbot.WithHandlerTimeout(time.Minute)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := newBot(tt.opts...)
			var got any
			var deadline bool
			b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
				got = c.Context().Value(key{})
				_, deadline = c.Context().Deadline()
				return c.Context().Err()
			})
			require.NoError(t, b.Dispatch(tt.ctx, newFake("fake"), textUpdate("a", "1")))
			assert.Equal(t, "v", got)
			assert.Equal(t, len(tt.opts) > 0, deadline, "a deadline only with a handler timeout")
		})
	}
}
