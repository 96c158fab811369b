package redistest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name under which a Sentinel of NewSentinel
// watches its master.
const SentinelMaster = "cardbot"

// Sentinel is a throwaway Redis with Sentinel of one test, on loopback
// ports: a master, one replica of it, and one Sentinel that watches the
// master and promotes the replica when the master is down for a second.
type Sentinel struct {
	// Master and Replica are the servers as started; after Failover the
	// replica is the master.
	Master, Replica *Server
	// Sentinel is the Sentinel process.
	Sentinel *Server
}

// sentinelDownAfter is how long the master must fail to answer before
// the Sentinel takes it for down and fails over.
const sentinelDownAfter = time.Second

// NewSentinel starts a master, a replica and a Sentinel for t, stopped
// when t ends, and waits until the replica is in sync and the Sentinel
// knows both. It skips t (or fails it, under CARDBOT_REQUIRE_REDIS=1)
// when redis-server is not on PATH.
func NewSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bin := lookPath(t, "redis-server")
	s := &Sentinel{}
	s.Master = newServer(t, bin, mustFreePort(t), t.TempDir(), "")
	host, port := hostPort(s.Master.Addr())
	s.Replica = newServer(t, bin, mustFreePort(t), t.TempDir(), "", "--replicaof", host, port)

	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	text := fmt.Sprintf("sentinel monitor %s %s %s 1\n"+
		"sentinel down-after-milliseconds %s %d\n"+
		"sentinel failover-timeout %s 10000\n",
		SentinelMaster, host, port, SentinelMaster, sentinelDownAfter.Milliseconds(), SentinelMaster)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Sentinel = newServer(t, bin, mustFreePort(t), dir, conf, "--sentinel")

	ctx := context.Background()
	waitFor(t, "replica in sync", 10*time.Second, func() bool {
		rc := redis.NewClient(&redis.Options{Addr: s.Replica.Addr()})
		defer rc.Close()
		info, err := rc.Info(ctx, "replication").Result()
		return err == nil && infoValue(info, "master_link_status") == "up"
	})
	waitFor(t, "the Sentinel to know the replica", 10*time.Second, func() bool {
		sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr()})
		defer sc.Close()
		replicas, err := sc.Replicas(ctx, SentinelMaster).Result()
		return err == nil && len(replicas) == 1
	})
	return s
}

// Client returns a new failover client, which asks the Sentinel for the
// master, closed when t ends.
func (s *Sentinel) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: []string{s.Sentinel.Addr()}})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// MasterAddr returns the master's address as the Sentinel names it.
func (s *Sentinel) MasterAddr(t testing.TB) string {
	t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr()})
	defer sc.Close()
	addr, err := sc.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
	if err != nil {
		t.Fatalf("redistest: the Sentinel's master: %v", err)
	}
	return addr[0] + ":" + addr[1]
}

// Failover kills the master (as a crash would) and waits until the
// Sentinel has promoted the replica.
func (s *Sentinel) Failover(t testing.TB) {
	t.Helper()
	s.Master.Stop()
	waitFor(t, "failover to "+s.Replica.Addr(), 10*sentinelDownAfter+20*time.Second, func() bool {
		sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr()})
		defer sc.Close()
		addr, err := sc.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
		if err != nil || addr[0]+":"+addr[1] != s.Replica.Addr() {
			return false
		}
		rc := redis.NewClient(&redis.Options{Addr: s.Replica.Addr()})
		defer rc.Close()
		info, err := rc.Info(context.Background(), "replication").Result()
		return err == nil && infoValue(info, "role") == "master"
	})
}

// infoValue returns the value of field in an INFO answer.
func infoValue(info, field string) string {
	for _, line := range splitLines(info) {
		if len(line) > len(field) && line[:len(field)] == field && line[len(field)] == ':' {
			return line[len(field)+1:]
		}
	}
	return ""
}
