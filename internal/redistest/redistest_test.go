package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in    string
		addrs []string
		desc  string
		db    int
		pass  string
		bad   bool
	}{
		{in: "127.0.0.1:6379", addrs: []string{"127.0.0.1:6379"}, desc: "127.0.0.1:6379"},
		{in: "a:1, b:2,c:3", addrs: []string{"a:1", "b:2", "c:3"}, desc: "a:1,b:2,c:3"},
		{in: "redis://u:secret@h:7000/3", addrs: []string{"h:7000"}, desc: "h:7000", db: 3, pass: "secret"},
		{in: "[::1]:6379", addrs: []string{"[::1]:6379"}, desc: "[::1]:6379"},
		{in: "localhost", bad: true},
		{in: " , ", bad: true},
		{in: "redis://u:secret@h:7000/notadb", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			o, desc, err := parseTarget(tc.in)
			if tc.bad {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "secret")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.addrs, o.Addrs)
			assert.Equal(t, tc.desc, desc)
			assert.NotContains(t, desc, "secret")
			assert.Equal(t, tc.db, o.DB)
			assert.Equal(t, tc.pass, o.Password)
		})
	}
}

func TestResolveExplicitDeadServerIsNotReplaced(t *testing.T) {
	port := deadPort(t)
	got := resolve("127.0.0.1:" + port)
	assert.Nil(t, got.opts)
	assert.Contains(t, got.skip, "no Redis answers at 127.0.0.1:"+port)
}

func TestClient(t *testing.T) {
	c := Client(t)
	p := Prefix(t)
	ctx := t.Context()
	require.NoError(t, c.Set(ctx, p+":k", "v", time.Minute).Err())
	v, err := c.Get(ctx, p+":k").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", v)
	t.Log("server:", Describe())
}

func TestPrefixDeletesItsKeysOnly(t *testing.T) {
	c := Client(t)
	other := Prefix(t) // deleted when this test ends
	ctx := t.Context()
	require.NoError(t, c.Set(ctx, other+":survivor", "1", time.Minute).Err())

	var p string
	var keys []string
	t.Run("user", func(t *testing.T) {
		p = Prefix(t)
		uc := Client(t)
		keys = []string{p + ":a", "{" + p + ":q:1}:stream", "{" + p + ":q:2}:lease"}
		for i := range 1200 { // more than one SCAN page
			keys = append(keys, p+":many:"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+":"+time.Duration(i).String())
		}
		for _, k := range keys {
			require.NoError(t, uc.Set(ctx, k, "1", time.Minute).Err())
		}
	})
	pipe := c.Pipeline() // one key per command: a Cluster takes it
	var cmds []*redis.IntCmd
	for _, k := range keys {
		cmds = append(cmds, pipe.Exists(ctx, k))
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	for i, cmd := range cmds {
		require.Zero(t, cmd.Val(), "%s is gone", keys[i])
	}
	n, err := c.Exists(ctx, other+":survivor").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n, "another prefix's key is kept")
}

func TestSpawnedServerDiesWithTheBinary(t *testing.T) {
	t.Parallel() // a child process and server of its own
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("no redis-server on PATH")
	}
	if os.Getenv("REDISTEST_CHILD") == "1" {
		t.Skip("the child runs TestSpawnChild only")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSpawnChild$", "-test.v")
	cmd.Env = append(os.Environ(), "REDISTEST_CHILD=1", EnvAddr+"=spawn", EnvRequire+"=1")
	out, err := cmd.Output()
	require.NoError(t, err, "child: %s", out)
	var addr string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if a, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "SPAWNED "); ok {
			addr = a
		}
	}
	require.NotEmpty(t, addr, "child output: %s", out)

	// The child has exited: its server must go within moments.
	require.Eventually(t, func() bool {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	}, 5*time.Second, 20*time.Millisecond, "the throwaway server at %s outlived its test binary", addr)
}

// TestSpawnChild is the child process of TestSpawnedServerDiesWithTheBinary.
func TestSpawnChild(t *testing.T) {
	if os.Getenv("REDISTEST_CHILD") != "1" {
		t.Skip("run by TestSpawnedServerDiesWithTheBinary")
	}
	c := Client(t)
	require.NoError(t, c.Ping(context.Background()).Err())
	o := c.(*redis.Client).Options()
	os.Stdout.WriteString("SPAWNED " + o.Addr + "\n")
}

// deadPort returns a loopback port that nothing listens on.
func deadPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	require.NoError(t, l.Close())
	return port
}

func TestServerStopAndStart(t *testing.T) {
	s := NewServer(t)
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	ctx := t.Context()
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	s.Stop()
	require.Error(t, c.Ping(ctx).Err())
	s.Start()
	require.NoError(t, c.Ping(ctx).Err())
	n, err := c.Exists(ctx, "k").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "nothing kept across a restart")
}

// TestNewCluster: the cluster's three masters share the slots: keys of
// many slots are written and read through one client, and each master
// holds some.
func TestNewCluster(t *testing.T) {
	t.Parallel() // servers of their own on ports of their own
	cl := NewCluster(t)
	require.Len(t, cl.Addrs(), 3)
	c := cl.Client(t)
	ctx := t.Context()
	for i := range 30 {
		require.NoError(t, c.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err())
	}
	for _, addr := range cl.Addrs() {
		n := redis.NewClient(&redis.Options{Addr: addr})
		size, err := n.DBSize(ctx).Result()
		n.Close()
		require.NoError(t, err)
		assert.Positive(t, size, "%s holds keys", addr)
	}
}

// TestNewSentinel: a failover client reaches the master, and after
// Failover the replica, which kept what was written before.
func TestNewSentinel(t *testing.T) {
	t.Parallel() // servers of its own on ports of their own; waits out the failover
	s := NewSentinel(t)
	require.Equal(t, s.Master.Addr(), s.MasterAddr(t))
	c := s.Client(t)
	ctx := t.Context()
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	n, err := c.Do(ctx, "WAIT", 1, 5000).Int()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	s.Failover(t)
	require.Equal(t, s.Replica.Addr(), s.MasterAddr(t))
	got, err := c.Get(ctx, "k").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", got)
}
