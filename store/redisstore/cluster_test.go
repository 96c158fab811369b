package redisstore_test

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
)

// TestCluster runs its subtests on one real Redis Cluster of three
// masters, started once for the package; each subtest has key prefixes of
// its own. Conformance runs the shared suite on it: every script of the
// stores touches the keys of one slot, or the cluster would refuse it
// (CROSSSLOT).
func TestCluster(t *testing.T) {
	t.Parallel()
	cl := redistest.NewCluster(t)
	t.Run("Conformance", func(t *testing.T) {
		t.Parallel()
		conformance(t, func(t *testing.T) redis.UniversalClient { return cl.Client(t) })
	})
	t.Run("HashTags", func(t *testing.T) {
		t.Parallel()
		clusterHashTags(t, cl)
	})
}

// TestConformanceSentinel runs the shared suite through Sentinel: a
// failover client that asks the Sentinel for the master. It has a Sentinel
// of its own, as TestSentinelFailover has: a failover would fail the suite.
func TestConformanceSentinel(t *testing.T) {
	t.Parallel()
	s := redistest.NewSentinel(t)
	conformance(t, func(t *testing.T) redis.UniversalClient { return s.Client(t) })
}

// hashTag is the hash tag of a Redis key: what Cluster hashes.
var hashTag = regexp.MustCompile(`\{([^}]+)\}`)

// clusterHashTags: on a Cluster, every key the stores write carries a
// hash tag; all the keys of a Queue (every partition's stream, dead
// letters, lease and fence, the dedup marks, the members) share one slot,
// and the DedupStore's and StateStore's keys spread over the masters.
func clusterHashTags(t *testing.T, cl *redistest.Cluster) {
	client := cl.Client(t)
	ctx := t.Context()
	cfg := testConfig(t)
	cfg.Partitions = 8
	q, err := redisstore.NewQueue(client, cfg)
	require.NoError(t, err)
	for i := range 16 {
		push(t, q, entry(fmt.Sprintf("chat-%d", i), fmt.Sprintf("key-%d", i), fmt.Sprint(i)))
	}
	c := consume(t, q, nil)
	ds := c.nextN(16)
	require.NoError(t, q.DeadLetter(ctx, ds[0], "test"))
	ackAll(t, q, ds[1:])
	require.NoError(t, c.stop())

	dedup, err := redisstore.NewDedupStore(client, cfg)
	require.NoError(t, err)
	states, err := redisstore.NewStateStore(client, cfg)
	require.NoError(t, err)
	for i := range 30 {
		_, err := dedup.Begin(ctx, fmt.Sprintf("update-%d", i))
		require.NoError(t, err)
		_, err = states.Save(ctx, fmt.Sprintf("conv-%d", i), store.StateRecord{State: "s"}, 0)
		require.NoError(t, err)
	}

	var (
		mu     sync.Mutex
		byNode = map[string]int{}
		slots  = map[string]map[int64]bool{} // kind of key → slots
	)
	queueTag := "{" + cfg.Prefix + ":q}"
	err = client.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		keys, err := node.Keys(ctx, "*"+cfg.Prefix+"*").Result()
		if err != nil {
			return err
		}
		for _, k := range keys {
			tag := hashTag.FindStringSubmatch(k)
			if !assert.NotNil(t, tag, "%s has a hash tag", k) {
				continue
			}
			slot, err := client.ClusterKeySlot(ctx, k).Result()
			if err != nil {
				return err
			}
			tagSlot, err := client.ClusterKeySlot(ctx, tag[1]).Result()
			if err != nil {
				return err
			}
			assert.Equal(t, tagSlot, slot, "%s: the slot of its tag", k)
			kind := "other"
			switch {
			case tag[0] == queueTag:
				kind = "queue"
			case regexp.MustCompile(`:d:`).MatchString(tag[1]):
				kind = "dedup"
			case regexp.MustCompile(`:s:`).MatchString(tag[1]):
				kind = "state"
			}
			mu.Lock()
			byNode[node.Options().Addr]++
			if slots[kind] == nil {
				slots[kind] = map[int64]bool{}
			}
			slots[kind][slot] = true
			mu.Unlock()
		}
		return nil
	})
	require.NoError(t, err)
	assert.Len(t, slots["queue"], 1, "the whole queue in one slot")
	assert.Greater(t, len(slots["dedup"]), 10, "dedup keys spread")
	assert.Greater(t, len(slots["state"]), 10, "conversation keys spread")
	assert.Empty(t, slots["other"])
	assert.Len(t, byNode, 3, "keys on every master: %v", byNode)
}

// TestSentinelFailover: the master is killed and Sentinel promotes the
// replica; every entry pushed and replicated before (WAIT) is delivered
// after it, and none acknowledged before is delivered again. (An entry
// pushed and not yet replicated when the master dies is lost: Redis
// replicates asynchronously; see the package doc.)
func TestSentinelFailover(t *testing.T) {
	t.Parallel()
	s := redistest.NewSentinel(t)
	client := s.Client(t)
	ctx := t.Context()
	cfg := testConfig(t)
	cfg.Partitions = 4
	q, err := redisstore.NewQueue(client, cfg)
	require.NoError(t, err)

	var acked, pending []string
	for i := range 5 {
		acked = append(acked, fmt.Sprintf("acked-%d", i))
		push(t, q, entry(fmt.Sprintf("chat-%d", i), "", acked[i]))
	}
	c := consume(t, q, nil)
	ds := c.nextN(len(acked))
	assert.ElementsMatch(t, acked, updates(ds))
	ackAll(t, q, ds)
	require.NoError(t, c.stop())
	for i := range 10 {
		pending = append(pending, fmt.Sprintf("pending-%d", i))
		push(t, q, entry(fmt.Sprintf("chat-%d", i%4), "", pending[i]))
	}
	replicas, err := client.Do(ctx, "WAIT", 1, 5000).Int()
	require.NoError(t, err)
	require.Equal(t, 1, replicas, "the replica has every write")

	s.Failover(t)
	require.Equal(t, s.Replica.Addr(), s.MasterAddr(t))

	c = consume(t, q, nil)
	var got []string
	deadline := time.After(30 * time.Second)
	for len(got) < len(pending) {
		select {
		case d := <-c.ch:
			got = append(got, string(d.Update))
			require.NoError(t, q.Ack(ctx, d))
		case <-deadline:
			t.Fatalf("after the failover, delivered %q of %q", got, pending)
		}
	}
	assert.ElementsMatch(t, pending, got, "each pending entry once, none acknowledged before")
	push(t, q, entry("chat-0", "", "after"))
	d := c.next()
	assert.Equal(t, "after", string(d.Update), "Push works on the new master")
	require.NoError(t, q.Ack(ctx, d))
	c.none(testLease)
	require.NoError(t, c.stop())
}
