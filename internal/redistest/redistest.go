// Package redistest connects the module's tests to a Redis server and
// gives each test its own key prefix.
//
// Client finds a server once per test binary:
//
//   - CARDBOT_TEST_REDIS names it: an address ("127.0.0.1:6379"), a URL
//     ("redis://user:secret@host:6379/2", "rediss://…"), several addresses
//     separated by commas (a Cluster), or "spawn" to always start a
//     throwaway server as below.
//   - Unset, it is 127.0.0.1:6379. When no server there answers a PING
//     within a second and redis-server is on PATH, a throwaway server is
//     started on a free loopback port, with nothing saved to disk.
//   - When there is no server, the test is skipped, or failed when
//     CARDBOT_REQUIRE_REDIS=1 (CI sets it, so that Redis tests cannot pass
//     by being skipped). A server named by CARDBOT_TEST_REDIS that does not
//     answer is never replaced by a throwaway one: the name is wrong.
//
// The throwaway server must not outlive the test binary, however the
// binary ends (a panic, a -timeout, kill -9). It is started by a small sh
// process that reads its standard input from a pipe whose write end only
// the test binary holds: when the binary exits, for any reason, the
// kernel closes that end, read returns, and sh kills the server. A
// t.Cleanup cannot do it (later tests share the server, and no cleanup
// runs after kill -9), and neither can Linux's Pdeathsig alone: it fires
// when the thread that started the child exits, and Go may end that
// thread long before the process. The pipe needs no goroutine and works
// on every Unix.
//
// Prefix never flushes a database: it deletes the keys of its own prefix
// only, so tests can share a server with anything else.
//
// NewServer starts a server of a test's own, which the test may stop and
// start again to see how its code takes an outage; the same watchdog
// keeps it from outliving the binary. NewCluster starts a real Redis
// Cluster of three masters on loopback ports (redis-server
// --cluster-enabled yes, joined by redis-cli --cluster create), and
// NewSentinel a master, a replica and a Sentinel, whose Failover kills the
// master and waits until the replica is promoted. Like Client, they skip
// the test when the programs are missing, or fail it under
// CARDBOT_REQUIRE_REDIS=1.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
)

// Environment variables read by Client.
const (
	// EnvAddr names the server; see the package doc.
	EnvAddr = "CARDBOT_TEST_REDIS"
	// EnvRequire, set to 1, fails a test that finds no server instead of
	// skipping it.
	EnvRequire = "CARDBOT_REQUIRE_REDIS"
)

// DefaultAddr is where Client looks when EnvAddr is unset.
const DefaultAddr = "127.0.0.1:6379"

// probeTimeout bounds the PING that tells whether a server is there.
const probeTimeout = time.Second

// target is how the tests of this binary reach Redis, or why they cannot.
type target struct {
	opts *redis.UniversalOptions // nil when there is no server
	desc string                  // the server, without secrets
	skip string                  // why there is no server
}

var (
	once     sync.Once
	resolved target

	// keepAlive holds the write end of the pipe that keeps a throwaway
	// server alive; it is never closed (the process's exit closes it),
	// and being referenced here keeps it from being finalized, which
	// would close it.
	keepAlive []*os.File
)

// Client returns a new client of the test server, closed when t ends. It
// skips t (or fails it, under CARDBOT_REQUIRE_REDIS=1) when there is no
// server.
func Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	opts := need(t)
	c := redis.NewUniversalClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a key prefix of its own for t, "cardbot-test-" and a
// random UUID, and deletes every key that contains it when t ends (on a
// Cluster, on every master). It skips t like Client when there is no
// server.
func Prefix(t testing.TB) string {
	t.Helper()
	opts := need(t)
	prefix := "cardbot-test-" + uuid.NewString()
	t.Cleanup(func() {
		c := redis.NewUniversalClient(opts)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := DeleteKeys(ctx, c, "*"+prefix+"*"); err != nil {
			t.Errorf("redistest: deleting the keys of %s: %v", prefix, err)
		}
	})
	return prefix
}

// DeleteKeys deletes the keys that match the SCAN pattern match, on every
// master of a Cluster. It never flushes a database.
func DeleteKeys(ctx context.Context, c redis.UniversalClient, match string) error {
	if cc, ok := c.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return deleteKeys(ctx, node, match)
		})
	}
	return deleteKeys(ctx, c, match)
}

// deleteKeys scans one node (or a standalone server) and unlinks what
// matches, one key per command so that a Cluster node takes it.
func deleteKeys(ctx context.Context, c redis.Cmdable, match string) error {
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, match, 500).Result()
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			p := c.Pipeline()
			for _, k := range keys {
				p.Unlink(ctx, k)
			}
			if _, err := p.Exec(ctx); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// need returns the server's options, or ends t when there is none.
func need(t testing.TB) *redis.UniversalOptions {
	t.Helper()
	once.Do(func() { resolved = resolve(os.Getenv(EnvAddr)) })
	if resolved.opts == nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("redistest: %s, and %s=1", resolved.skip, EnvRequire)
		}
		t.Skipf("redistest: %s; set %s to a server, or put redis-server on PATH", resolved.skip, EnvAddr)
	}
	o := *resolved.opts
	return &o
}

// resolve finds the server that env names.
func resolve(env string) target {
	env = strings.TrimSpace(env)
	if env == "spawn" {
		return spawnTarget(EnvAddr + "=spawn")
	}
	explicit := env != ""
	if !explicit {
		env = DefaultAddr
	}
	opts, desc, err := parseTarget(env)
	if err != nil {
		return target{skip: fmt.Sprintf("%s is not an address or a redis URL: %v", EnvAddr, err)}
	}
	if err := probe(opts); err == nil {
		return target{opts: opts, desc: desc}
	} else if explicit {
		return target{skip: fmt.Sprintf("no Redis answers at %s (%s): %v", desc, EnvAddr, err)}
	}
	return spawnTarget("no Redis at " + DefaultAddr)
}

// parseTarget reads a server's name: a redis:// or rediss:// URL, or
// addresses separated by commas. desc names it without secrets.
func parseTarget(s string) (*redis.UniversalOptions, string, error) {
	if strings.Contains(s, "://") {
		o, err := redis.ParseURL(s)
		if err != nil {
			return nil, "", errors.New("bad URL") // its text may hold a password
		}
		return &redis.UniversalOptions{
			Addrs:     []string{o.Addr},
			Username:  o.Username,
			Password:  o.Password,
			DB:        o.DB,
			TLSConfig: o.TLSConfig,
			Protocol:  o.Protocol,
		}, o.Addr, nil
	}
	var addrs []string
	for a := range strings.SplitSeq(s, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, "", err
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, "", errors.New("no address")
	}
	return &redis.UniversalOptions{Addrs: addrs}, strings.Join(addrs, ","), nil
}

// probe pings the server once, within probeTimeout.
func probe(opts *redis.UniversalOptions) error {
	o := *opts
	o.DialTimeout = probeTimeout
	o.ReadTimeout = probeTimeout
	o.DialerRetries = 1
	o.MaxRetries = -1
	c := redis.NewUniversalClient(&o)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	return c.Ping(ctx).Err()
}

// spawnTarget starts a throwaway server, or says why it cannot; why says
// why one is wanted.
func spawnTarget(why string) target {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return target{skip: why + ", and no redis-server on PATH"}
	}
	var last error
	for range 3 { // a free port may be taken between Listen and the server's bind
		addr, err := spawn(bin)
		if err == nil {
			return target{opts: &redis.UniversalOptions{Addrs: []string{addr}}, desc: addr + " (throwaway)"}
		}
		last = err
	}
	return target{skip: fmt.Sprintf("%s, and starting redis-server failed: %v", why, last)}
}

// watchdog runs redis-server ($0) in the background and kills it when its
// standard input, the pipe held by the test binary, reaches its end. Its
// arguments: a configuration file or "" (first on the server's command
// line, as redis-server wants it), the port, the directory, then extra
// arguments, which come last, so they override the defaults before them.
const watchdog = `bin=$0 conf=$1 port=$2 dir=$3
shift 3
"$bin" ${conf:+"$conf"} --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir" "$@" &
pid=$!
read -r line
kill -9 "$pid" 2>/dev/null
wait "$pid"
`

// spawn starts redis-server on a free loopback port and waits until it
// answers.
func spawn(bin string) (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	addr, w, err := spawnOn(bin, "", port, os.TempDir())
	if err != nil {
		return "", err
	}
	keepAlive = append(keepAlive, w)
	return addr, nil
}

// spawnOn starts redis-server on port, in dir, with the configuration
// file conf (none when "") and the extra arguments args, and waits until
// it answers. The server lives until w is closed, or the test binary
// exits.
func spawnOn(bin, conf string, port int, dir string, args ...string) (addr string, w *os.File, err error) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		return "", nil, errors.New("no sh on PATH")
	}
	logFile, err := os.CreateTemp("", "redistest-*.log")
	if err != nil {
		return "", nil, err
	}
	defer logFile.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(sh, append([]string{"-c", watchdog, bin, conf, strconv.Itoa(port), dir}, args...)...)
	cmd.Stdin = r
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = os.TempDir()
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return "", nil, err
	}
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	opts := &redis.UniversalOptions{Addrs: []string{addr}}
	deadline := time.Now().Add(5 * time.Second)
	for {
		err = probe(opts)
		if err == nil {
			_ = os.Remove(logFile.Name())
			return addr, w, nil
		}
		if time.Now().After(deadline) {
			w.Close() // sh kills the server, if it started at all
			return "", nil, fmt.Errorf("redis-server on %s did not answer (its log: %s): %w", addr, logFile.Name(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Server is a throwaway redis-server of one test, which the test may stop
// and start again, to see how its code takes an outage. It keeps nothing
// across a restart, unless its arguments turn persistence on.
type Server struct {
	t    testing.TB
	bin  string
	port int
	dir  string   // its working directory, its own
	conf string   // its configuration file, or ""
	args []string // the extra arguments of redis-server

	mu sync.Mutex
	w  *os.File // keeps the running server alive; nil when stopped
}

// NewServer starts a throwaway server for t, stopped when t ends. It skips
// t (or fails it, under CARDBOT_REQUIRE_REDIS=1) when redis-server is not
// on PATH. The server saves nothing (no RDB snapshot, no AOF) unless args,
// extra arguments of redis-server ("--appendonly", "yes"), say otherwise;
// it runs in a directory of its own, which keeps what it saves across a
// restart.
func NewServer(t testing.TB, args ...string) *Server {
	t.Helper()
	return newServer(t, lookPath(t, "redis-server"), mustFreePort(t), t.TempDir(), "", args...)
}

// newServer starts a server on port, in dir, with conf and args.
func newServer(t testing.TB, bin string, port int, dir, conf string, args ...string) *Server {
	t.Helper()
	s := &Server{t: t, bin: bin, port: port, dir: dir, conf: conf, args: args}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// lookPath finds a program of Redis, or ends t as Client does without a
// server.
func lookPath(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("redistest: no %s on PATH, and %s=1", name, EnvRequire)
		}
		t.Skipf("redistest: no %s on PATH", name)
	}
	return bin
}

// mustFreePort returns a free loopback port, or fails t.
func mustFreePort(t testing.TB) int {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// Addr is the server's address, the same across restarts.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Start starts the server again after Stop; it does nothing while it runs.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil {
		return
	}
	_, w, err := spawnOn(s.bin, s.conf, s.port, s.dir, s.args...)
	if err != nil {
		s.t.Fatalf("redistest: %v", err)
	}
	s.w = w
}

// Stop kills the server (as a crash would: it saves nothing at the time)
// and returns once its port is closed.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return
	}
	s.w.Close()
	s.w = nil
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", s.Addr(), 100*time.Millisecond)
		if err != nil {
			return
		}
		conn.Close()
	}
	s.t.Errorf("redistest: the server at %s did not stop", s.Addr())
}

// freePort returns a loopback TCP port that nothing listened on a moment
// ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Describe names the server the tests use (without secrets), or why there
// is none.
func Describe() string {
	once.Do(func() { resolved = resolve(os.Getenv(EnvAddr)) })
	if resolved.opts == nil {
		return "none: " + resolved.skip
	}
	return resolved.desc
}

// URL returns a redis:// (or rediss://) URL of the test server, for
// programs that take one, such as the echobot's STORE. It skips t like
// Client when there is no server, and when the server is a Cluster, which
// one URL cannot name.
func URL(t testing.TB) string {
	t.Helper()
	c, ok := Client(t).(*redis.Client)
	if !ok {
		t.Skip("redistest: the test server is a Cluster; one URL cannot name it")
	}
	o := c.Options()
	u := url.URL{Scheme: "redis", Host: o.Addr, Path: "/" + strconv.Itoa(o.DB)}
	if o.Password != "" {
		u.User = url.UserPassword(o.Username, o.Password)
	}
	if o.TLSConfig != nil {
		u.Scheme = "rediss"
	}
	return u.String()
}
