package delivery_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
)

// fastRetries makes async retries quick enough for tests.
func fastRetries(cfg delivery.Config) delivery.Config {
	cfg.MinRetryWait, cfg.MaxRetryWait = time.Millisecond, 5*time.Millisecond
	return cfg
}

// durable is a Queue that is not a store.InProcess (its MemoryQueue's
// methods but InProcess), so that the bot encodes each update and treats
// the queue as one that keeps what it holds.
type durable struct{ adminQueue }

// adminQueue is a Queue with its dead-letter admin, as the queues of this
// module are.
type adminQueue interface {
	store.Queue
	store.DeadLetterAdmin
}

// journal records the texts a bot handled, in order, per chat.
type journal struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (j *journal) add(chat, text string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.seen == nil {
		j.seen = map[string][]string{}
	}
	j.seen[chat] = append(j.seen[chat], text)
}

func (j *journal) get(chat string) []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.seen[chat]...)
}

func TestAsyncRetries(t *testing.T) {
	for _, tt := range []struct {
		name  string
		queue func() adminQueue
	}{
		{"memory", func() adminQueue { return store.NewMemoryQueue(0, 0) }},
		{"encoded", func() adminQueue { return durable{store.NewMemoryQueue(0, 0)} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("a retryable failure is tried again, and the chat waits", func(t *testing.T) {
				var rec cardbottest.Errors
				var j journal
				var fails atomic.Int32
				b := newBot(delivery.WithAsync(fastRetries(delivery.Config{Queue: tt.queue()})), cardbot.WithErrorHandler(rec.Handle))
				b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
					j.add(c.Chat().ID, c.Text())
					if c.Text() == "flaky" && fails.Add(1) <= 2 {
						return cardbot.Retryable(errors.New("provider down"))
					}
					return nil
				})
				p := newFake("fake")
				require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("a", "flaky"), "1")))
				require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("a", "next"), "2")))
				require.Eventually(t, func() bool { return len(j.get("a")) == 4 }, 5*time.Second, time.Millisecond)
				require.NoError(t, b.Shutdown(t.Context()))
				assert.Equal(t, []string{"flaky", "flaky", "flaky", "next"}, j.get("a"))
				assert.Empty(t, rec.Get(), "a failure that was retried away is no error")
			})
			t.Run("a failure that is not retryable is handled once", func(t *testing.T) {
				var rec cardbottest.Errors
				var calls atomic.Int32
				q := tt.queue()
				b := newBot(delivery.WithAsync(fastRetries(delivery.Config{Queue: q})), cardbot.WithErrorHandler(rec.Handle))
				b.Handle(cardbot.OnText, func(*cardbot.Context) error {
					calls.Add(1)
					return errors.New("bad input")
				})
				require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("a", "x")))
				require.NoError(t, b.Shutdown(t.Context()))
				assert.EqualValues(t, 1, calls.Load())
				require.Len(t, rec.Get(), 1)
				dead, err := q.DeadLetters(t.Context(), 10)
				require.NoError(t, err)
				assert.Empty(t, dead)
			})
			t.Run("dead letters: listed, replayed, dropped", func(t *testing.T) {
				var rec cardbottest.Errors
				var j journal
				var healthy atomic.Bool
				q := tt.queue()
				b := newBot(delivery.WithAsync(fastRetries(delivery.Config{Queue: q, MaxAttempts: 3})), cardbot.WithErrorHandler(rec.Handle))
				b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
					j.add(c.Chat().ID, c.Text())
					if !healthy.Load() && c.Text() != "fine" {
						return cardbot.Retryable(fmt.Errorf("send %s: 503", c.Text()))
					}
					return nil
				})
				p := newFake("fake")
				ctx := t.Context()
				require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "one"), "1")))
				require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("a", "fine"), "2")))
				require.NoError(t, b.Dispatch(ctx, p, keyed(textUpdate("b", "two"), "3")))
				var dead []store.DeadLetter
				require.Eventually(t, func() bool {
					var err error
					dead, err = q.DeadLetters(ctx, 10)
					return err == nil && len(dead) == 2 && len(j.get("a")) == 4
				}, 5*time.Second, time.Millisecond)
				assert.Equal(t, []string{"one", "one", "one", "fine"}, j.get("a"), "three attempts, then the chat goes on")
				reasons := map[string]string{}
				for _, d := range dead {
					reasons[d.ChatID] = d.Reason
					assert.NotEmpty(t, d.ID)
					assert.False(t, d.Failed.IsZero())
					var u cardbot.Update
					require.NoError(t, cardbot.DecodeUpdate(d.Update, &u), "a dead letter keeps its update")
					assert.Equal(t, d.ChatID, u.Chat.ID)
				}
				assert.Equal(t, map[string]string{"a": "send one: 503", "b": "send two: 503"}, reasons)
				errs := rec.Get()
				require.Len(t, errs, 2)
				for _, err := range errs {
					assert.ErrorIs(t, err, cardbot.ErrDeadLettered)
				}

				healthy.Store(true)
				var replayed, dropped store.DeadLetter
				for _, d := range dead {
					if d.ChatID == "a" {
						replayed = d
					} else {
						dropped = d
					}
				}
				require.NoError(t, q.Replay(ctx, replayed.ID))
				require.Eventually(t, func() bool { return len(j.get("a")) == 5 }, 5*time.Second, time.Millisecond)
				assert.Equal(t, "one", j.get("a")[4], "the replay is handled, though its key was seen")
				require.NoError(t, q.DropDeadLetter(ctx, dropped.ID))
				left, err := q.DeadLetters(ctx, 10)
				require.NoError(t, err)
				assert.Empty(t, left)
				require.ErrorIs(t, q.Replay(ctx, dropped.ID), store.ErrNoDeadLetter)
				require.ErrorIs(t, q.DropDeadLetter(ctx, "nope"), store.ErrNoDeadLetter)
				require.NoError(t, b.Shutdown(ctx))
			})
		})
	}
}

// TestAsyncEntriesThatCannotRun: an entry that does not decode goes to
// the dead letters at once; one of a provider the bot does not know after
// its attempts, since the provider may be registered meanwhile.
func TestAsyncEntriesThatCannotRun(t *testing.T) {
	q := store.NewMemoryQueue(0, 0)
	var handled atomic.Int32
	b := newBot(delivery.WithAsync(delivery.Config{Queue: durable{q}, MaxAttempts: 3,
		MinRetryWait: time.Millisecond, MaxRetryWait: 2 * time.Millisecond}))
	require.NoError(t, b.Start())
	b.Handle(cardbot.OnAny, func(*cardbot.Context) error { handled.Add(1); return nil })
	u := textUpdate("a", "hi")
	u.Provider = "ghost"
	enc, err := cardbot.EncodeUpdate(&u)
	require.NoError(t, err)
	ctx := t.Context()
	_, err = q.Push(ctx, store.Entry{Provider: "ghost", ChatID: "a", Update: enc})
	require.NoError(t, err)
	_, err = q.Push(ctx, store.Entry{Provider: "fake", ChatID: "a", Update: []byte("{not json")})
	require.NoError(t, err)
	var dead []store.DeadLetter
	require.Eventually(t, func() bool {
		dead, err = q.DeadLetters(ctx, 10)
		return err == nil && len(dead) == 2
	}, 5*time.Second, time.Millisecond)
	assert.Contains(t, dead[0].Reason, "malformed update")
	assert.Contains(t, dead[1].Reason, `unknown provider: "ghost"`)
	require.NoError(t, b.Shutdown(ctx))
	assert.Zero(t, handled.Load())
}

// TestAsyncShutdownReleasesRetries: a durable queue keeps an update that
// waits for its next attempt when the bot shuts down; the next start
// handles it.
func TestAsyncShutdownReleasesRetries(t *testing.T) {
	q := durable{store.NewMemoryQueue(0, 0)}
	failing := make(chan struct{}, 1)
	b := newBot(delivery.WithAsync(delivery.Config{Queue: q, MinRetryWait: time.Hour}))
	b.Handle(cardbot.OnText, func(*cardbot.Context) error {
		failing <- struct{}{}
		return cardbot.Retryable(errors.New("down"))
	})
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), keyed(textUpdate("a", "x"), "1")))
	<-failing
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	require.NoError(t, b.Shutdown(ctx), "the hour-long wait does not hold Shutdown")

	// The entry is back in the queue: a new consumer gets it.
	got := make(chan store.Delivery, 1)
	cctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- q.Consume(cctx, func(d store.Delivery) {
			got <- d
		})
	}()
	d := <-got
	assert.Equal(t, "1", d.Key)
	require.NoError(t, q.Ack(t.Context(), d))
	stop()
	require.NoError(t, <-done)
}

// TestAsyncOwnershipLost: an entry whose partition went to another
// consumer before it ran is not handled here.
func TestAsyncOwnershipLost(t *testing.T) {
	lost, lose := context.WithCancel(context.Background())
	lose()
	q := &ownedQueue{durable: durable{store.NewMemoryQueue(0, 0)}, owned: lost}
	var handled atomic.Int32
	b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
	b.Handle(cardbot.OnAny, func(*cardbot.Context) error { handled.Add(1); return nil })
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("a", "x")))
	require.Eventually(t, func() bool { return q.released.Load() == 1 }, 5*time.Second, time.Millisecond)
	assert.Zero(t, handled.Load())
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_ = b.Shutdown(ctx) // the released entry stays in the memory queue: Shutdown may give up
}

// ownedQueue delivers every entry as owned by a context that may end.
type ownedQueue struct {
	durable
	owned    context.Context
	released atomic.Int32
}

func (q *ownedQueue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	return q.durable.Consume(ctx, func(d store.Delivery) {
		d.Owned = q.owned
		deliver(d)
	})
}

func (q *ownedQueue) Release(ctx context.Context, d store.Delivery) error {
	q.released.Add(1)
	return q.durable.Ack(ctx, d) // consumed for the test's sake: nothing redelivers it
}

// TestAsyncShutdownGivingUpStopsGoroutines: when Shutdown gives up, the
// workers and the consumer stop as soon as the running handlers return.
func TestAsyncShutdownGivingUpStopsGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	b := newBot(delivery.WithAsync(delivery.Config{Concurrency: 2}))
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		started <- struct{}{}
		<-release // ignores its context, as badly written handlers do
		return nil
	})
	p := newFake("fake")
	for i := range 5 {
		require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("a", fmt.Sprint(i))))
	}
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, b.Shutdown(ctx), context.DeadlineExceeded)
	close(release)
	// goleak waits for the goroutines to end.
}

func TestUpdateCodec(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 123, time.UTC)
	tests := []struct {
		name string
		u    cardbot.Update
	}{
		{"message", cardbot.Update{
			Provider: "greenapi", Kind: cardbot.KindMessage, Key: "k1", Time: at,
			Chat:   cardbot.Chat{ID: "79001234567@c.us", Kind: cardbot.ChatPrivate, Title: "Ann"},
			Sender: cardbot.User{ID: "79001234567@c.us", Name: "Ann", Phone: "79001234567"},
			Message: &cardbot.Message{ID: "m1", Type: "contactMessage", Text: "hi",
				Contacts: []cardbot.VCardRef{{DisplayName: "Bob", VCard: "BEGIN:VCARD\r\nEND:VCARD", Accounts: map[string]string{"max": "42"}}},
				Document: &cardbot.Document{FileName: "a.vcf", Size: 10}, ReplyTo: &cardbot.Quote{ID: "m0"}, Forwarded: true},
			Raw: json.RawMessage(`{"typeWebhook":"incomingMessageReceived"}`),
		}},
		{"status", cardbot.Update{Provider: "aitu", Kind: cardbot.KindStatus, Status: &cardbot.Status{MessageID: "m", Name: "read"}, Time: at}},
		{"trace context", cardbot.Update{Provider: "greenapi", Kind: cardbot.KindMessage, Time: at,
			Trace: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "k=v"}}},
		{"raw that is not JSON", cardbot.Update{Provider: "x", Raw: json.RawMessage("not \x00 json")}},
		{"empty", cardbot.Update{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := cardbot.EncodeUpdate(&tt.u)
			require.NoError(t, err)
			var got cardbot.Update
			require.NoError(t, cardbot.DecodeUpdate(b, &got))
			assert.Equal(t, tt.u, got)
		})
	}
	for _, bad := range []string{"", "{", `{"v":2}`, `[]`, `{"v":1,"kind":"x"}`} {
		var u cardbot.Update
		assert.ErrorIs(t, cardbot.DecodeUpdate([]byte(bad), &u), cardbot.ErrMalformedUpdate, "%q", bad)
	}
}

// brokenQueue delivers what it was pushed, then fails: a store that went
// away with entries held.
type brokenQueue struct {
	durable
	entries chan store.Entry
}

func (q *brokenQueue) Push(_ context.Context, e store.Entry) (bool, error) {
	e.ID = fmt.Sprint(len(q.entries))
	q.entries <- e
	return true, nil
}

func (q *brokenQueue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	for {
		select {
		case e := <-q.entries:
			deliver(store.Delivery{Entry: e})
		case <-ctx.Done():
			return errors.New("store gone")
		}
	}
}

func (q *brokenQueue) Ack(context.Context, store.Delivery) error     { return nil }
func (q *brokenQueue) Release(context.Context, store.Delivery) error { return nil }

// TestAsyncConsumeFailsWithEntriesHeld: when Consume fails at shutdown
// while entries are held, the workers still end them, in order. It runs
// in a synctest bubble, so that "Consume has failed" is a fact the test
// waits for, not a guess at how long it takes.
func TestAsyncConsumeFailsWithEntriesHeld(t *testing.T) {
	synctest.Test(t, asyncConsumeFailsWithEntriesHeld)
}

func asyncConsumeFailsWithEntriesHeld(t *testing.T) {
	q := &brokenQueue{entries: make(chan store.Entry, 10)}
	release := make(chan struct{})
	var j journal
	b := newBot(delivery.WithAsync(delivery.Config{Queue: q}))
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		if c.Text() == "1" {
			<-release
		}
		j.add(c.Chat().ID, c.Text())
		return nil
	})
	p := newFake("fake")
	for _, text := range []string{"1", "2", "3"} {
		require.NoError(t, b.Dispatch(t.Context(), p, textUpdate("a", text)))
	}
	synctest.Wait()
	require.Empty(t, q.entries, "all three delivered")
	done := make(chan error, 1)
	go func() { done <- b.Shutdown(context.Background()) }()
	synctest.Wait() // Consume has failed; the workers wait for release
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, []string{"1", "2", "3"}, j.get("a"))
}
