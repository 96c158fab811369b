package redisstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShutdownWaitsForDeliveries: when ctx ends, Consume keeps its leases
// until every delivery ended, then gives them up and leaves.
func TestShutdownWaitsForDeliveries(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	q, rc := newQueue(t, cfg)
	push(t, q, entry("c", "", "1"), entry("c", "", "2"))
	c := consume(t, q, nil)
	got := c.nextN(2)
	p := store.Partition("greenapi", "c", redisstore.DefaultPartitions)
	require.Contains(t, redisstore.Owned(q), p)

	c.cancel()
	select {
	case err := <-c.done:
		t.Fatalf("Consume returned (%v) with deliveries outstanding", err)
	case <-time.After(2 * testLease): // longer than a lease: it was renewed
	}
	assert.Equal(t, []int{p}, redisstore.Owned(q), "the lease with deliveries out is kept, the others given up")
	assert.NoError(t, got[0].Owned.Err(), "Owned lasts while the lease does")
	c.none(0)

	require.NoError(t, q.Ack(t.Context(), got[0]))
	require.NoError(t, q.Release(t.Context(), got[1]))
	require.NoError(t, c.stop())
	assert.Error(t, got[1].Owned.Err(), "Owned ends with the lease")
	var leases []string
	for p := range redisstore.DefaultPartitions {
		leases = append(leases, fmt.Sprintf("{%s:q}:lease:%d", cfg.Prefix, p))
	}
	n, err := rc.Exists(t.Context(), leases...).Result()
	require.NoError(t, err)
	assert.Zero(t, n, "leases given up")
	n, err = rc.ZCard(t.Context(), "{"+cfg.Prefix+":q}:members").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "members left")

	// The released entry comes to the next consumer.
	c = consume(t, q, nil)
	d := c.next()
	assert.Equal(t, "2", string(d.Update))
	ackAll(t, q, []store.Delivery{d})
	require.NoError(t, c.stop())
}

// TestRedeliveryAfterCrash: entries delivered and never ended come again
// to the next consumer, before the later entries of their chat, whether
// the first gave its leases up or crashed with them.
func TestRedeliveryAfterCrash(t *testing.T) {
	t.Parallel()
	for _, crash := range []bool{false, true} {
		t.Run(map[bool]string{false: "leases given up", true: "crashed"}[crash], func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t)
			q1, c1 := newQueue(t, cfg)
			push(t, q1, entry("c", "", "1"), entry("c", "", "2"), entry("other", "", "x"))
			a := consume(t, q1, nil)
			got := a.nextN(3)
			var first []store.Delivery
			for _, d := range got {
				if d.ChatID == "c" {
					first = append(first, d)
				} else {
					require.NoError(t, q1.Ack(t.Context(), d))
				}
			}
			require.Equal(t, []string{"1", "2"}, updates(first))
			if crash {
				// Cut from Redis: no renewal, no release; the leases run out.
				require.NoError(t, c1.Close())
				eventually(t, func() bool { return first[0].Owned.Err() != nil }, 2*testLease,
					"Owned did not end when the lease ran out")
			}
			start := time.Now()
			a.cancel() // a shutdown: the released entries are not delivered again now
			for _, d := range first {
				require.NoError(t, q1.Release(t.Context(), d))
			}
			if err := a.stop(); crash {
				require.ErrorIs(t, err, redis.ErrClosed, "a closed client fails Consume")
			} else {
				require.NoError(t, err)
			}

			q2, _ := newQueue(t, cfg)
			push(t, q2, entry("c", "", "3"))
			b := consume(t, q2, nil)
			again := b.nextN(3)
			assert.Equal(t, []string{"1", "2", "3"}, updates(again))
			assert.Equal(t, first[0].ID, again[0].ID)
			t.Logf("redelivered after %v", time.Since(start))
			ackAll(t, q2, again)
			b.none(200 * time.Millisecond)
			require.NoError(t, b.stop())
		})
	}
}

// TestTwoConsumersSplit: two consumers share the partitions, and no entry
// is delivered to one while the other handles it.
func TestTwoConsumersSplit(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	qa, _ := newQueue(t, cfg)
	qb, _ := newQueue(t, cfg)
	r := newRecorder()
	a := consume(t, qa, r.handler(t, "a", qa, 2*time.Millisecond))
	eventually(t, func() bool { return len(redisstore.Owned(qa)) == redisstore.DefaultPartitions }, 5*time.Second, "a took %v", redisstore.Owned(qa))

	const chats, per = 30, 20
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range per {
			for c := range chats {
				_, err := qa.Push(context.Background(), entry(fmt.Sprint("chat-", c), "", fmt.Sprintf("%d/%d", c, i)))
				assert.NoError(t, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	time.Sleep(50 * time.Millisecond)
	b := consume(t, qb, r.handler(t, "b", qb, 2*time.Millisecond)) // joins while entries flow
	wg.Wait()
	eventually(t, func() bool { return r.count() == chats*per }, 20*time.Second, "delivered %d of %d", r.count(), chats*per)
	eventually(t, func() bool {
		return len(redisstore.Owned(qa)) == redisstore.DefaultPartitions/2 && len(redisstore.Owned(qb)) == redisstore.DefaultPartitions/2
	}, 5*testLease, "not split: a %v, b %v", redisstore.Owned(qa), redisstore.Owned(qb))
	oa, ob := redisstore.Owned(qa), redisstore.Owned(qb)
	for _, p := range oa {
		assert.NotContains(t, ob, p)
	}
	require.NoError(t, a.stop())
	require.NoError(t, b.stop())

	r.mu.Lock()
	defer r.mu.Unlock()
	assert.Empty(t, r.twice, "delivered while handled elsewhere")
	for u, n := range r.seen {
		assert.Equal(t, 1, n, "update %s delivered %d times", u, n)
	}
	for c := range chats {
		var want []string
		for i := range per {
			want = append(want, fmt.Sprintf("%d/%d", c, i))
		}
		assert.Equal(t, want, r.order[fmt.Sprint("chat-", c)], "chat %d", c)
	}
	t.Logf("a handled %d, b %d", r.byName["a"], r.byName["b"])
}

// TestMemberDies: when a member stops renewing, the other takes its
// partitions after the lease and delivers their pending entries first, in
// order.
func TestMemberDies(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	qa, ca := newQueue(t, cfg)
	qb, _ := newQueue(t, cfg)
	a := consume(t, qa, nil)
	bHeld := make(chan store.Delivery, 100)
	b := consume(t, qb, func(d store.Delivery) { bHeld <- d })
	eventually(t, func() bool {
		return len(redisstore.Owned(qa)) == redisstore.DefaultPartitions/2 && len(redisstore.Owned(qb)) == redisstore.DefaultPartitions/2
	}, 5*testLease, "not split: a %v, b %v", redisstore.Owned(qa), redisstore.Owned(qb))

	chat := chatIn(redisstore.Owned(qa)[0], redisstore.DefaultPartitions)
	push(t, qa, entry(chat, "", "1"), entry(chat, "", "2"))
	held := a.nextN(2) // a holds them, and dies
	require.NoError(t, ca.Close())
	died := time.Now()
	push(t, qb, entry(chat, "", "3"))

	var got []store.Delivery
	for len(got) < 3 {
		select {
		case d := <-bHeld:
			got = append(got, d)
		case <-time.After(5 * testLease):
			t.Fatalf("b got %v", updates(got))
		}
	}
	assert.Equal(t, []string{"1", "2", "3"}, updates(got))
	assert.Equal(t, held[0].ID, got[0].ID)
	took := time.Since(died)
	t.Logf("taken over after %v", took)
	assert.Less(t, took, 3*testLease)
	assert.Error(t, held[0].Owned.Err(), "a's deliveries lost their owner")
	eventually(t, func() bool { return len(redisstore.Owned(qb)) == redisstore.DefaultPartitions }, 3*testLease,
		"b took only %v", redisstore.Owned(qb))
	ackAll(t, qb, got)
	a.cancel()
	require.ErrorIs(t, a.stop(), redis.ErrClosed)
	require.NoError(t, b.stop())
}

// TestLostLeaseCancelsOwned: a lease taken away (here deleted by hand)
// ends the Owned context of its deliveries, and the consumer takes the
// partition again with a new token, delivering the pending entries again.
func TestLostLeaseCancelsOwned(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.Partitions = 1
	q, rc := newQueue(t, cfg)
	push(t, q, entry("c", "", "1"))
	c := consume(t, q, nil)
	d := c.next()
	lease := "{" + cfg.Prefix + ":q}:lease:0"
	before, err := rc.Get(t.Context(), lease).Result()
	require.NoError(t, err)
	require.NoError(t, rc.Set(t.Context(), lease, "someone-else:1", testLease).Err())
	eventually(t, func() bool { return d.Owned.Err() != nil }, 2*testLease, "Owned did not end")
	require.NoError(t, q.Release(t.Context(), d)) // what a bot does with a delivery it lost
	again := c.next()
	assert.Equal(t, d.ID, again.ID)
	after, err := rc.Get(t.Context(), lease).Result()
	require.NoError(t, err)
	assert.NotEqual(t, before, after, "a new token")
	require.NoError(t, q.Ack(t.Context(), again))
	require.NoError(t, c.stop())
}

// TestWakeUpIsQuick: a push reaches an idle consumer through pub/sub, well
// before the poll.
func TestWakeUpIsQuick(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.PollInterval = time.Minute
	q, rc := newQueue(t, cfg)
	c := consume(t, q, nil)
	wake := cfg.Prefix + ":wake"
	eventually(t, func() bool {
		n, err := rc.PubSubNumSub(t.Context(), wake).Result()
		return err == nil && n[wake] == 1 && len(redisstore.Owned(q)) == redisstore.DefaultPartitions
	}, 5*time.Second, "not subscribed, or no partitions")
	for i := range 5 {
		start := time.Now()
		push(t, q, entry(fmt.Sprint("c", i), "", "x"))
		d := c.next()
		assert.Less(t, time.Since(start), time.Second)
		ackAll(t, q, []store.Delivery{d})
	}
	require.NoError(t, c.stop())
}

// TestOwnedPartitionsAreDisjoint samples the leases of three consumers
// while they start and stop: a partition is never held by two.
func TestOwnedPartitionsAreDisjoint(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	var qs []*redisstore.Queue
	var cs []*consumer
	for range 3 {
		q, _ := newQueue(t, cfg)
		qs = append(qs, q)
		cs = append(cs, consume(t, q, nil))
		time.Sleep(testLease / 2)
	}
	check := func() {
		seen := map[int]int{}
		for i, q := range qs {
			for _, p := range redisstore.Owned(q) {
				if j, ok := seen[p]; ok {
					t.Errorf("partition %d held by %d and %d", p, j, i)
				}
				seen[p] = i
			}
		}
	}
	eventually(t, func() bool {
		check()
		n := 0
		for _, q := range qs {
			n += len(redisstore.Owned(q))
		}
		return n == redisstore.DefaultPartitions && slices.IndexFunc(qs, func(q *redisstore.Queue) bool {
			return len(redisstore.Owned(q)) < 5
		}) < 0
	}, 5*testLease, "not spread over three")
	require.NoError(t, cs[0].stop())
	eventually(t, func() bool {
		check()
		return len(redisstore.Owned(qs[1]))+len(redisstore.Owned(qs[2])) == redisstore.DefaultPartitions
	}, 5*testLease, "not taken over")
	require.NoError(t, cs[1].stop())
	require.NoError(t, cs[2].stop())
}

// TestRedisOutage: while Redis is gone, Push fails, the leases run out
// and Owned ends; when it is back (empty: it kept nothing), Consume takes
// the partitions again and delivers what is pushed, without a restart.
func TestRedisOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.NewServer(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = client.Close() })
	cfg := testConfig(t)
	cfg.Partitions = 2
	q, err := redisstore.NewQueue(client, cfg)
	require.NoError(t, err)
	push(t, q, entry("c", "", "1"))
	c := consume(t, q, nil)
	held := c.next()

	srv.Stop()
	_, err = q.Push(t.Context(), entry("c", "", "lost"))
	require.ErrorContains(t, err, "redisstore: push")
	eventually(t, func() bool { return held.Owned.Err() != nil }, 2*testLease, "Owned did not end while Redis was gone")
	require.NoError(t, q.Release(t.Context(), held)) // what the bot does with it
	time.Sleep(testLease / 2)                        // reads and renewals fail meanwhile

	srv.Start()
	eventually(t, func() bool { return len(redisstore.Owned(q)) == 2 }, 5*testLease, "partitions not taken again")
	push(t, q, entry("c", "", "2"))
	d := c.next()
	assert.Equal(t, "2", string(d.Update), "the server kept nothing: 1 is gone")
	require.NoError(t, q.Ack(t.Context(), d))
	require.NoError(t, c.stop())
}
