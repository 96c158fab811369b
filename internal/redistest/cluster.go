package redistest

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterMasters is how many masters NewCluster starts: the fewest that
// redis-cli --cluster create takes.
const clusterMasters = 3

// Cluster is a throwaway Redis Cluster of one test: three masters on
// loopback ports, without replicas, that share the 16384 slots.
type Cluster struct {
	// Nodes are the masters, each a Server of its own.
	Nodes []*Server
}

// NewCluster starts a Redis Cluster for t, stopped when t ends: three
// redis-server --cluster-enabled yes on free loopback ports (and free
// ports for their cluster bus), joined by redis-cli --cluster create, and
// waits until every node says the cluster is ok. It skips t (or fails it,
// under CARDBOT_REQUIRE_REDIS=1) when redis-server or redis-cli is not on
// PATH.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	bin, cli := lookPath(t, "redis-server"), lookPath(t, "redis-cli")
	c := &Cluster{}
	for range clusterMasters {
		c.Nodes = append(c.Nodes, newServer(t, bin, mustFreePort(t), t.TempDir(), "",
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-port", strconv.Itoa(mustFreePort(t)), "--cluster-node-timeout", "2000"))
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, n := range c.Nodes {
		waitFor(t, "cluster_state:ok on "+n.Addr(), 20*time.Second, func() bool {
			rc := redis.NewClient(&redis.Options{Addr: n.Addr()})
			defer rc.Close()
			info, err := rc.ClusterInfo(ctx).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok")
		})
	}
	return c
}

// Addrs are the masters' addresses.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// Client returns a new client of the cluster, closed when t ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// waitFor polls cond until it holds, or fails t after wait.
func waitFor(t testing.TB, what string, wait time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("redistest: no %s within %v", what, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hostPort splits a loopback address into its parts for a configuration
// file.
func hostPort(addr string) (string, string) {
	h, p, _ := net.SplitHostPort(addr)
	return h, p
}

// splitLines splits an INFO answer into its lines, without their \r.
func splitLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}
