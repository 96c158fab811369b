package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
)

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	c := redistest.Client(t)
	for _, tc := range []struct {
		name string
		cfg  redisstore.Config
		err  string
	}{
		{"brace in prefix", redisstore.Config{Prefix: "a{b"}, "Prefix"},
		{"negative partitions", redisstore.Config{Partitions: -1}, "Partitions"},
		{"too many partitions", redisstore.Config{Partitions: redisstore.MaxPartitions + 1}, "Partitions"},
		{"short lease", redisstore.Config{LeaseTTL: time.Millisecond}, "LeaseTTL"},
		{"negative poll", redisstore.Config{PollInterval: -time.Second}, "PollInterval"},
		{"negative dedup ttl", redisstore.Config{DedupTTL: -1}, "DedupTTL"},
		{"negative batch", redisstore.Config{BatchSize: -1}, "BatchSize"},
		{"negative in-flight lease", redisstore.Config{InFlightLease: -1}, "InFlightLease"},
		{"negative done ttl", redisstore.Config{DoneTTL: -1}, "DoneTTL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := redisstore.NewQueue(c, tc.cfg)
			require.ErrorContains(t, err, tc.err)
			_, err = redisstore.NewDedupStore(c, tc.cfg)
			require.ErrorContains(t, err, tc.err)
			_, err = redisstore.NewLocker(c, tc.cfg)
			require.ErrorContains(t, err, tc.err)
			_, err = redisstore.NewStateStore(c, tc.cfg)
			require.ErrorContains(t, err, tc.err)
		})
	}
	_, err := redisstore.NewQueue(nil, redisstore.Config{})
	require.Error(t, err)
	_, err = redisstore.NewDedupStore(nil, redisstore.Config{})
	require.Error(t, err)
	_, err = redisstore.NewLocker(nil, redisstore.Config{})
	require.Error(t, err)
	_, err = redisstore.NewStateStore(nil, redisstore.Config{})
	require.ErrorContains(t, err, "nil client")
}

func TestPushDedup(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.DedupTTL = 300 * time.Millisecond
	q, _ := newQueue(t, cfg)
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		e    store.Entry
		want bool
	}{
		{"first", entry("c1", "k1", "1"), true},
		{"same key", entry("c1", "k1", "2"), false},
		{"same key, other provider", store.Entry{Provider: "aitu", ChatID: "c1", Key: "k1"}, true},
		{"other key", entry("c1", "k2", "3"), true},
		{"no key", entry("c1", "", "4"), true},
		{"no key again", entry("c1", "", "4"), true},
		{"key with odd bytes", entry("c1", "}{\x00\xff", "5"), true},
		{"odd bytes again", entry("c1", "}{\x00\xff", "5"), false},
	} {
		ok, err := q.Push(ctx, tc.e)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, ok, tc.name)
	}
	time.Sleep(cfg.DedupTTL + 100*time.Millisecond)
	ok, err := q.Push(ctx, entry("c1", "k1", "6"))
	require.NoError(t, err)
	assert.True(t, ok, "the dedup window has passed")

	c := consume(t, q, nil)
	got := c.nextN(7)
	var green []string
	for _, d := range got {
		if d.Provider == "greenapi" {
			green = append(green, string(d.Update))
		}
	}
	assert.Equal(t, []string{"1", "3", "4", "4", "5", "6"}, green, "one chat, in push order")
	ackAll(t, q, got)
	require.NoError(t, c.stop())
}

func TestEntryFields(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	pushed := time.Date(2026, 5, 4, 3, 2, 1, 123456789, time.UTC)
	e := store.Entry{Provider: "aitu", ChatID: "chat\x00é", Key: "k", Update: []byte{0, 1, 2, 0xff}, Pushed: pushed}
	push(t, q, e, store.Entry{Provider: "aitu", ChatID: "chat\x00é"})
	c := consume(t, q, nil)
	d := c.next()
	assert.NotEmpty(t, d.ID)
	assert.Equal(t, e.Provider, d.Provider)
	assert.Equal(t, e.ChatID, d.ChatID)
	assert.Equal(t, e.Key, d.Key)
	assert.Equal(t, e.Update, d.Update)
	assert.True(t, pushed.Equal(d.Pushed), "pushed %v", d.Pushed)
	require.NotNil(t, d.Owned)
	assert.NoError(t, d.Owned.Err())
	d2 := c.next()
	assert.True(t, d2.Pushed.IsZero(), "a zero Pushed stays zero")
	assert.Empty(t, d2.Update)
	ackAll(t, q, []store.Delivery{d, d2})
	require.NoError(t, c.stop())
}

func TestPerChatOrderManyChats(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	const chats, per = 40, 25
	var wg sync.WaitGroup
	for c := range chats { // one producer per chat, all at once
		wg.Go(func() {
			for i := range per {
				_, err := q.Push(context.Background(), entry(fmt.Sprint("chat-", c), "", fmt.Sprintf("%d/%d", c, i)))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()

	r := newRecorder()
	c := consume(t, q, r.handler(t, "a", q, time.Millisecond))
	eventually(t, func() bool { return r.count() == chats*per }, 20*time.Second, "delivered %d of %d", r.count(), chats*per)
	require.NoError(t, c.stop())
	r.mu.Lock()
	defer r.mu.Unlock()
	for ch := range chats {
		var want []string
		for i := range per {
			want = append(want, fmt.Sprintf("%d/%d", ch, i))
		}
		assert.Equal(t, want, r.order[fmt.Sprint("chat-", ch)], "chat %d", ch)
	}
	assert.Empty(t, r.twice)
}

func TestAckedIsNeverDeliveredAgain(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	q, rc := newQueue(t, cfg)
	for i := range 10 {
		push(t, q, entry(fmt.Sprint("c", i%3), "", strconv.Itoa(i)))
	}
	c := consume(t, q, nil)
	got := c.nextN(10)
	ackAll(t, q, got)
	require.NoError(t, c.stop())

	c = consume(t, q, nil)
	c.none(3 * cfg.PollInterval)
	require.NoError(t, c.stop())
	for p := range redisstore.DefaultPartitions {
		stream, _ := redisstore.Keys(q, p)
		n, err := rc.XLen(t.Context(), stream).Result()
		require.NoError(t, err)
		assert.Zero(t, n, "partition %d's stream is empty", p)
	}
}

func TestReleaseDeliversAgainInOrder(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	push(t, q, entry("c", "", "1"), entry("c", "", "2"), entry("c", "", "3"))
	c := consume(t, q, nil)
	got := c.nextN(3)
	assert.Equal(t, []string{"1", "2", "3"}, updates(got))
	require.NoError(t, q.Ack(t.Context(), got[0]))
	require.NoError(t, q.Release(t.Context(), got[1]))
	again := c.next()
	assert.Equal(t, "2", string(again.Update), "the released entry comes again")
	assert.Equal(t, got[1].ID, again.ID)
	c.none(300 * time.Millisecond) // "3" is still out: it does not come again
	require.NoError(t, q.Release(t.Context(), again))
	require.NoError(t, q.Release(t.Context(), got[2]))
	push(t, q, entry("c", "", "4"))
	again = c.next()
	assert.Equal(t, "2", string(again.Update), "released again")
	rest := c.nextN(2)
	assert.Equal(t, []string{"3", "4"}, updates(rest), "then the rest, in order")
	ackAll(t, q, append(rest, again))
	require.NoError(t, c.stop())
}

func TestBadIDs(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	ctx := t.Context()
	for _, id := range []string{"", "x", "1", "1-", "-1-0", "01-1-0", "16-1-0", "1-1", "1-a-0", "1-01-0", "1-1-0-0"} {
		d := store.Delivery{Entry: store.Entry{ID: id}}
		assert.Error(t, q.Ack(ctx, d), "Ack %q", id)
		assert.Error(t, q.Release(ctx, d), "Release %q", id)
		assert.Error(t, q.DeadLetter(ctx, d, "r"), "DeadLetter %q", id)
		assert.ErrorIs(t, q.Replay(ctx, id), store.ErrNoDeadLetter, "Replay %q", id)
		assert.ErrorIs(t, q.DropDeadLetter(ctx, id), store.ErrNoDeadLetter, "DropDeadLetter %q", id)
	}
	unknown := store.Delivery{Entry: store.Entry{ID: "3-12-0"}}
	assert.NoError(t, q.Ack(ctx, unknown), "acknowledging an unknown entry does nothing")
	assert.NoError(t, q.DeadLetter(ctx, unknown, "r"))
	assert.NoError(t, q.Release(ctx, unknown))
	dead, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, dead)
}

func TestDeadLetters(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	ctx := t.Context()
	dl, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, dl)

	// Chats in several partitions.
	push(t, q, entry(chatIn(1, 16), "k1", "1"), entry(chatIn(5, 16), "k2", "2"), entry(chatIn(9, 16), "k3", "3"))
	c := consume(t, q, nil)
	got := c.nextN(3)
	byUpdate := map[string]store.Delivery{}
	for _, d := range got {
		byUpdate[string(d.Update)] = d
	}
	before := time.Now()
	require.NoError(t, q.DeadLetter(ctx, byUpdate["2"], "boom 2"))
	time.Sleep(5 * time.Millisecond) // a later millisecond: a later stream id
	require.NoError(t, q.DeadLetter(ctx, byUpdate["3"], "boom 3"))
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, q.DeadLetter(ctx, byUpdate["1"], "boom 1"))
	require.NoError(t, q.DeadLetter(ctx, byUpdate["1"], "again"), "dead lettering again does nothing")
	require.NoError(t, q.Ack(ctx, byUpdate["1"]))

	dl, err = q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	require.Len(t, dl, 3)
	var reasons []string
	for _, d := range dl {
		reasons = append(reasons, d.Reason)
		assert.False(t, d.Failed.Before(before.Add(-time.Second)), "failed %v", d.Failed)
		assert.Equal(t, "greenapi", d.Provider)
	}
	assert.Equal(t, []string{"boom 2", "boom 3", "boom 1"}, reasons, "oldest first")
	assert.Equal(t, "2", string(dl[0].Update))
	assert.Equal(t, "k2", dl[0].Key)
	assert.Equal(t, chatIn(5, 16), dl[0].ChatID)
	assert.True(t, byUpdate["2"].Pushed.Equal(dl[0].Pushed))

	first, err := q.DeadLetters(ctx, 1)
	require.NoError(t, err)
	require.Len(t, first, 1)
	assert.Equal(t, dl[0].ID, first[0].ID)
	none, err := q.DeadLetters(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, none)

	// Replay: the entry comes again, though its Key was pushed before.
	require.NoError(t, q.Replay(ctx, dl[0].ID))
	d := c.next()
	assert.Equal(t, "2", string(d.Update))
	assert.Equal(t, "k2", d.Key)
	require.NoError(t, q.Ack(ctx, d))
	assert.ErrorIs(t, q.Replay(ctx, dl[0].ID), store.ErrNoDeadLetter, "replayed already")

	require.NoError(t, q.DropDeadLetter(ctx, dl[1].ID))
	assert.ErrorIs(t, q.DropDeadLetter(ctx, dl[1].ID), store.ErrNoDeadLetter)
	assert.ErrorIs(t, q.Replay(ctx, dl[1].ID), store.ErrNoDeadLetter)

	left, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Equal(t, "boom 1", left[0].Reason)
	c.none(200 * time.Millisecond)
	require.NoError(t, c.stop())
}

func TestDeadLettersAreBounded(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.Partitions = 1
	cfg.MaxDeadLetters = 5
	q, _ := newQueue(t, cfg)
	for i := range 300 {
		push(t, q, entry("c", "", strconv.Itoa(i)))
	}
	c := consume(t, q, func(d store.Delivery) {
		assert.NoError(t, q.DeadLetter(context.Background(), d, "no"))
	})
	eventually(t, func() bool {
		dl, err := q.DeadLetters(context.Background(), 1000)
		require.NoError(t, err)
		return len(dl) > 0 && string(dl[len(dl)-1].Update) == "299"
	}, 10*time.Second, "not all dead lettered")
	dl, err := q.DeadLetters(t.Context(), 1000)
	require.NoError(t, err)
	assert.Less(t, len(dl), 300, "trimmed")
	require.NoError(t, c.stop())
}

func TestConcurrentProducers(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	const producers, each, keys = 8, 100, 300
	var stored sync.Map
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range each {
				k := (p*each + i) % keys // every key is pushed by several producers
				ok, err := q.Push(context.Background(), entry(fmt.Sprint("chat-", k%17), fmt.Sprint("key-", k), fmt.Sprint(k)))
				if !assert.NoError(t, err) {
					return
				}
				if ok {
					if _, dup := stored.LoadOrStore(k, true); dup {
						t.Errorf("key %d stored twice", k)
					}
				}
			}
		})
	}
	wg.Wait()
	n := 0
	stored.Range(func(any, any) bool { n++; return true })
	assert.Equal(t, keys, n, "each key stored once")

	r := newRecorder()
	c := consume(t, q, r.handler(t, "a", q, 0))
	eventually(t, func() bool { return r.count() == keys }, 10*time.Second, "delivered %d of %d", r.count(), keys)
	require.NoError(t, c.stop())
	r.mu.Lock()
	defer r.mu.Unlock()
	for u, n := range r.seen {
		assert.Equal(t, 1, n, "update %s", u)
	}
}

func TestConsumeErrors(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	q, _ := newQueue(t, cfg)
	require.Error(t, q.Consume(t.Context(), nil))

	c := consume(t, q, nil)
	eventually(t, func() bool { return len(redisstore.Owned(q)) > 0 }, 5*time.Second, "no partition taken")
	err := q.Consume(t.Context(), func(store.Delivery) {})
	require.ErrorContains(t, err, "another Consume")
	require.NoError(t, c.stop())

	// Another partition count on the same prefix is refused.
	cfg.Partitions = 8
	q8, _ := newQueue(t, cfg)
	err = q8.Consume(t.Context(), func(store.Delivery) {})
	require.ErrorContains(t, err, "partitions")
}

func TestConsumeReturnsWhenCancelledBeforeStart(t *testing.T) {
	t.Parallel()
	q, _ := newQueue(t, testConfig(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.NoError(t, q.Consume(ctx, func(store.Delivery) {}))
}
