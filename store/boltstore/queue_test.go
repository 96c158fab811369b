package boltstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPushDedup(t *testing.T) {
	t.Parallel()
	type push struct {
		provider, key string
		want          bool
	}
	tests := []struct {
		name   string
		pushes []push
	}{
		{"new keys", []push{{"greenapi", "a", true}, {"greenapi", "b", true}}},
		{"same key", []push{{"greenapi", "a", true}, {"greenapi", "a", false}, {"greenapi", "a", false}}},
		{"same key, other provider", []push{{"greenapi", "a", true}, {"aitu", "a", true}, {"aitu", "a", false}}},
		{"no key", []push{{"greenapi", "", true}, {"greenapi", "", true}}},
		{"provider and key not confused", []push{{"ab", "c", true}, {"a", "bc", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			db := open(t, path, boltstore.Options{})
			q := db.Queue()
			stored := 0
			for i, p := range tt.pushes {
				ok, err := q.Push(t.Context(), store.Entry{Provider: p.provider, ChatID: "c", Key: p.key, Update: []byte(strconv.Itoa(i))})
				require.NoError(t, err)
				assert.Equal(t, p.want, ok, "push %d", i)
				if ok {
					stored++
				}
			}
			list, err := boltstore.Stored(db)
			require.NoError(t, err)
			assert.Len(t, list, stored)

			// The marks outlive a restart.
			require.NoError(t, db.Close())
			db = open(t, path, boltstore.Options{})
			for _, p := range tt.pushes {
				if p.key == "" {
					continue
				}
				ok, err := db.Queue().Push(t.Context(), store.Entry{Provider: p.provider, ChatID: "c", Key: p.key})
				require.NoError(t, err)
				assert.False(t, ok, "%s %s after reopen", p.provider, p.key)
			}
		})
	}
}

func TestPushDedupWindow(t *testing.T) {
	t.Parallel()
	clk := boltstore.NewClock()
	db := openClock(t, tempPath(t), boltstore.Options{DedupTTL: time.Hour}, clk)
	q := db.Queue()
	push := func(u string) bool {
		t.Helper()
		ok, err := q.Push(t.Context(), entry("c", "k", u))
		require.NoError(t, err)
		return ok
	}
	require.True(t, push("1"))
	clk.Add(time.Hour - time.Nanosecond)
	require.False(t, push("2"))
	clk.Add(time.Nanosecond)
	require.True(t, push("3"), "the mark expired")
	require.False(t, push("4"), "a new mark")
}

func TestPushConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	q := db.Queue()
	const keys, pushers = 20, 8
	var stored [keys]int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range pushers {
		wg.Go(func() {
			for k := range keys {
				ok, err := q.Push(context.Background(), entry("c", strconv.Itoa(k), "u"))
				assert.NoError(t, err)
				if ok {
					mu.Lock()
					stored[k]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for k, n := range stored {
		assert.Equal(t, 1, n, "key %d stored", k)
	}
}

func TestPushKeepsEntry(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	pushed := time.Date(2025, 3, 1, 12, 0, 0, 123, time.UTC)
	in := store.Entry{ID: "ignored", Provider: "aitu", ChatID: "chat-1", Key: "key-1", Update: []byte(`{"x":1}`), Pushed: pushed}
	before := time.Now()
	_, err := q.Push(t.Context(), in)
	require.NoError(t, err)
	_, err = q.Push(t.Context(), entry("chat-2", "", "no time"))
	require.NoError(t, err)

	c := consume(t, q, 10)
	got := c.nextN(2)
	assert.Equal(t, "1", got[0].ID)
	assert.Equal(t, "aitu", got[0].Provider)
	assert.Equal(t, "chat-1", got[0].ChatID)
	assert.Equal(t, "key-1", got[0].Key)
	assert.Equal(t, `{"x":1}`, string(got[0].Update))
	assert.True(t, pushed.Equal(got[0].Pushed), "Pushed %v", got[0].Pushed)
	assert.Nil(t, got[0].Owned)
	assert.Equal(t, "2", got[1].ID)
	assert.False(t, got[1].Pushed.Before(before.Truncate(time.Microsecond)), "a zero Pushed is the time of the Push")
	ackAll(t, q, got)
	require.NoError(t, c.stop())
}

func TestPushCancelled(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := db.Queue().Push(ctx, entry("c", "k", "u"))
	require.ErrorIs(t, err, context.Canceled)
	ok, err := db.Queue().Push(t.Context(), entry("c", "k", "u"))
	require.NoError(t, err)
	require.True(t, ok, "a cancelled Push left no mark")
}

func TestOrder(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	q := db.Queue()
	const n = 300 // more than one batch of Consume
	for i := range n / 2 {
		_, err := q.Push(t.Context(), entry(fmt.Sprint("chat", i%5), "k"+strconv.Itoa(i), strconv.Itoa(i)))
		require.NoError(t, err)
	}
	c := consume(t, q, 0)
	var got []store.Delivery
	for i := n / 2; i < n; i++ { // pushes while Consume runs
		_, err := q.Push(t.Context(), entry(fmt.Sprint("chat", i%5), "k"+strconv.Itoa(i), strconv.Itoa(i)))
		require.NoError(t, err)
		if i%7 == 0 {
			got = append(got, c.next())
		}
	}
	for len(got) < n {
		got = append(got, c.next())
	}
	c.none()
	for i, d := range got {
		assert.Equal(t, strconv.Itoa(i), string(d.Update))
		assert.Equal(t, strconv.Itoa(i+1), d.ID)
	}
	ackAll(t, q, got)
	require.NoError(t, c.stop())
}

func TestAckIsGoneAfterReopen(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{})
	q := db.Queue()
	for i := range 4 {
		_, err := q.Push(t.Context(), entry("c", "", strconv.Itoa(i)))
		require.NoError(t, err)
	}
	c := consume(t, q, 10)
	got := c.nextN(4)
	ackAll(t, q, got[:2])
	require.NoError(t, q.DeadLetter(t.Context(), got[2], "failed"))
	c.cancel() // a shutdown: the released entry is not delivered again now
	require.NoError(t, q.Release(t.Context(), got[3]))
	require.NoError(t, c.wait())
	require.NoError(t, db.Close())

	db = open(t, path, boltstore.Options{})
	q = db.Queue()
	c = consume(t, q, 10)
	d := c.next()
	assert.Equal(t, "3", string(d.Update), "only the released entry is left")
	c.none()
	ackAll(t, q, []store.Delivery{d})
	require.NoError(t, c.stop())
	list, err := boltstore.Stored(db)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestAckTwiceAndUnknown(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	_, err := q.Push(t.Context(), entry("c", "", "1"))
	require.NoError(t, err)
	c := consume(t, q, 1)
	d := c.next()
	require.NoError(t, q.Ack(t.Context(), d))
	require.NoError(t, q.Ack(t.Context(), d), "acknowledging again does nothing")
	require.NoError(t, q.Ack(t.Context(), store.Delivery{Entry: store.Entry{ID: "99"}}))
	require.NoError(t, q.DeadLetter(t.Context(), d, "gone already"))
	for _, id := range []string{"", "x", "01", "-1", "0"} {
		bad := store.Delivery{Entry: store.Entry{ID: id}}
		assert.Error(t, q.Ack(t.Context(), bad), "Ack %q", id)
		assert.Error(t, q.Release(t.Context(), bad), "Release %q", id)
		assert.Error(t, q.DeadLetter(t.Context(), bad, "r"), "DeadLetter %q", id)
	}
	require.NoError(t, c.stop())
	dead, err := q.DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	assert.Empty(t, dead)
}

// TestRedeliveryAfterRestart: entries delivered and never ended when the
// DB is closed under Consume (as good as a crash: nothing ended them) come
// again after Open, first, in order, and no acknowledged one does.
func TestRedeliveryAfterRestart(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{})
	q := db.Queue()
	for i := range 6 {
		_, err := q.Push(t.Context(), entry(fmt.Sprint("chat", i%2), "k"+strconv.Itoa(i), strconv.Itoa(i)))
		require.NoError(t, err)
	}
	c := consume(t, q, 10)
	got := c.nextN(6)
	ackAll(t, q, []store.Delivery{got[0], got[3]})
	require.NoError(t, db.Close())
	require.ErrorIs(t, c.wait(), boltstore.ErrClosed)
	c.cancel()

	db = open(t, path, boltstore.Options{})
	q = db.Queue()
	ok, err := q.Push(t.Context(), entry("chat0", "k6", "6"))
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = q.Push(t.Context(), entry("chat0", "k1", "1 again"))
	require.NoError(t, err)
	require.False(t, ok, "the dedup marks outlived the restart")

	c = consume(t, q, 10)
	again := c.nextN(5)
	assert.Equal(t, []string{"1", "2", "4", "5", "6"}, updates(again))
	assert.Equal(t, got[1].ID, again[0].ID, "an entry keeps its ID")
	c.none()
	ackAll(t, q, again)
	require.NoError(t, c.stop())
}

func TestRelease(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	push := func(chat, u string) {
		t.Helper()
		_, err := q.Push(t.Context(), entry(chat, "", u))
		require.NoError(t, err)
	}
	// Consume's deliver waits at a gate entry until the test opens it,
	// so that the test can release several entries while Consume waits.
	gates := map[string]chan struct{}{"gate1": make(chan struct{}), "gate2": make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	c := &consumer{t: t, ch: make(chan store.Delivery, 10), cancel: cancel, done: make(chan error, 1)}
	go func() {
		c.done <- q.Consume(ctx, func(d store.Delivery) {
			c.ch <- d
			if g := gates[string(d.Update)]; g != nil {
				<-g
			}
		})
	}()

	push("a", "a1")
	push("a", "a2")
	push("b", "b1")
	push("a", "a3")
	got := c.nextN(4)
	require.Equal(t, []string{"a1", "a2", "b1", "a3"}, updates(got))
	c.none()

	// A released entry comes again, once, with its ID; the others in
	// flight do not.
	require.NoError(t, q.Release(t.Context(), got[1]))
	a2 := c.next()
	assert.Equal(t, "a2", string(a2.Update))
	assert.Equal(t, got[1].ID, a2.ID)
	c.none()

	// Released entries come again before anything new, in push order,
	// whatever the order of the releases.
	ackAll(t, q, got[:1])
	push("g", "gate1")
	gate1 := c.next() // Consume waits in deliver
	require.NoError(t, q.Release(t.Context(), got[3]))
	require.NoError(t, q.Release(t.Context(), got[2]))
	require.NoError(t, q.Release(t.Context(), a2))
	push("a", "a4")
	close(gates["gate1"])
	rest := c.nextN(4)
	assert.Equal(t, []string{"a2", "b1", "a3", "a4"}, updates(rest))
	c.none()

	// Releasing an entry twice, or one not in flight, does no more.
	push("g", "gate2")
	gate2 := c.next()
	require.NoError(t, q.Release(t.Context(), rest[0]))
	require.NoError(t, q.Release(t.Context(), rest[0]))
	require.NoError(t, q.Release(t.Context(), got[0]))                                       // acknowledged
	require.NoError(t, q.Release(t.Context(), store.Delivery{Entry: store.Entry{ID: "99"}})) // unknown
	close(gates["gate2"])
	a2 = c.next()
	assert.Equal(t, "a2", string(a2.Update))
	c.none()
	ackAll(t, q, append(rest[1:], gate1, gate2, a2))
	require.NoError(t, c.stop())
}

// TestReleaseRandom is a bot that acks, releases or dead letters what it
// holds at random, and checks the promises: an entry is first delivered
// only after its chat's earlier entries were, it is delivered again only
// when released, a released entry comes again before any later entry of
// its chat is delivered for the first time, and every entry ends once.
//
// Consume's deliver waits for the test, which ends entries only while it
// does not take deliveries: the entry Consume is handing over then was
// chosen before the Releases, and may come first.
func TestReleaseRandom(t *testing.T) {
	t.Parallel()
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			releaseRandom(t, seed)
		})
	}
}

func releaseRandom(t *testing.T, seed uint64) {
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	q := db.Queue()
	const chats, perChat = 5, 30
	for i := range perChat {
		for c := range chats {
			_, err := q.Push(t.Context(), entry(strconv.Itoa(c), "", strconv.Itoa(i)))
			require.NoError(t, err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	c := consume(t, q, 0)
	var (
		held     []store.Delivery
		firstN   = make(map[string]int)          // chat → entries delivered once at least
		inFlight = make(map[string]bool)         // by ID
		released = make(map[string]map[int]bool) // chat → released indexes not yet delivered again
		ended    = 0
		dead     = make(map[string]bool)
		exempt   = false
	)
	take := func(d store.Delivery) {
		i, _ := strconv.Atoi(string(d.Update))
		require.False(t, inFlight[d.ID], "entry %s delivered while in flight", d.ID)
		inFlight[d.ID] = true
		if rel := released[d.ChatID]; rel[i] {
			delete(rel, i)
		} else {
			require.Equal(t, firstN[d.ChatID], i, "chat %s: entry %d delivered first after %d entries", d.ChatID, i, firstN[d.ChatID])
			firstN[d.ChatID]++
			if !exempt {
				for r := range rel {
					require.Greater(t, r, i, "chat %s: entry %d delivered before released %d", d.ChatID, i, r)
				}
			}
		}
		exempt = false
		held = append(held, d)
	}
	for ended < chats*perChat {
		// With entries held, a short wait and the test goes on to end
		// some. With none, the queue owes a delivery: a loaded machine may
		// take its time, so only a long silence fails.
		wait := 20 * time.Millisecond
		if len(held) == 0 {
			wait = 10 * time.Second
		}
		select {
		case d := <-c.ch:
			take(d)
		case <-time.After(wait):
			require.NotEmpty(t, held, "nothing delivered, nothing held, %d of %d ended", ended, chats*perChat)
		}
		// End some of what is held, at random.
		for len(held) > 0 && rng.IntN(3) > 0 {
			k := rng.IntN(len(held))
			h := held[k]
			held = slices.Delete(held, k, k+1)
			delete(inFlight, h.ID)
			hi, _ := strconv.Atoi(string(h.Update))
			switch r := rng.IntN(10); {
			case r < 3:
				require.NoError(t, q.Release(t.Context(), h))
				if released[h.ChatID] == nil {
					released[h.ChatID] = make(map[int]bool)
				}
				released[h.ChatID][hi] = true
				exempt = true
			case r < 4:
				require.NoError(t, q.DeadLetter(t.Context(), h, "random"))
				dead[h.ID] = true
				ended++
			default:
				require.NoError(t, q.Ack(t.Context(), h))
				ended++
			}
		}
	}
	c.none()
	require.Empty(t, held)
	require.NoError(t, c.stop())
	list, err := boltstore.Stored(db)
	require.NoError(t, err)
	assert.Empty(t, list)
	letters, err := q.DeadLetters(t.Context(), chats*perChat)
	require.NoError(t, err)
	assert.Len(t, letters, len(dead))
	for _, l := range letters {
		assert.True(t, dead[l.ID], "dead letter %s", l.ID)
	}
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	for i := range 3 {
		_, err := q.Push(t.Context(), entry("c", "", strconv.Itoa(i)))
		require.NoError(t, err)
	}
	c := consume(t, q, 10)
	got := c.nextN(3)
	c.cancel()
	select {
	case err := <-c.done:
		t.Fatalf("Consume returned %v with entries in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	_, err := q.Push(t.Context(), entry("c", "", "after"))
	require.NoError(t, err)
	require.NoError(t, q.Ack(t.Context(), got[0]))
	require.NoError(t, q.Release(t.Context(), got[1]))
	select {
	case err := <-c.done:
		t.Fatalf("Consume returned %v with an entry in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, q.DeadLetter(t.Context(), got[2], "r"))
	require.NoError(t, c.wait())
	c.none() // neither the released entry nor the new one

	// A new Consume starts from the first entry stored.
	c = consume(t, q, 10)
	again := c.nextN(2)
	assert.Equal(t, []string{"1", "after"}, updates(again))
	ackAll(t, q, again)
	require.NoError(t, c.stop())
}

func TestConsumeOnceAtATime(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	_, err := q.Push(t.Context(), entry("c", "", "u"))
	require.NoError(t, err)
	c := consume(t, q, 0)
	d := c.next() // it runs
	err = q.Consume(t.Context(), func(store.Delivery) {})
	require.ErrorContains(t, err, "boltstore:")
	ackAll(t, q, []store.Delivery{d})
	require.NoError(t, c.stop())
}

// TestClose runs in a synctest bubble, so that Close comes when Consume
// waits for entries, not a guessed 10 ms after it began.
func TestClose(t *testing.T) { synctest.Test(t, closeDB) }

func closeDB(t *testing.T) {
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	c := consume(t, q, 0)
	synctest.Wait() // Consume waits for entries
	require.NoError(t, db.Close())
	require.NoError(t, db.Close(), "Close again")
	require.ErrorIs(t, c.wait(), boltstore.ErrClosed)
	c.cancel()

	ctx := t.Context()
	_, err := q.Push(ctx, entry("c", "k", "u"))
	assert.ErrorIs(t, err, boltstore.ErrClosed)
	_, err = q.Push(ctx, entry("c", "", "u"))
	assert.ErrorIs(t, err, boltstore.ErrClosed)
	assert.ErrorIs(t, q.Ack(ctx, store.Delivery{Entry: store.Entry{ID: "1"}}), boltstore.ErrClosed)
	_, err = q.DeadLetters(ctx, 1)
	assert.ErrorIs(t, err, boltstore.ErrClosed)
	assert.ErrorIs(t, q.Consume(ctx, func(store.Delivery) {}), boltstore.ErrClosed)
	_, err = db.DedupStore().Begin(ctx, "k")
	assert.ErrorIs(t, err, boltstore.ErrClosed)
	assert.ErrorIs(t, db.DedupStore().End(ctx, "k", true), boltstore.ErrClosed)
}
