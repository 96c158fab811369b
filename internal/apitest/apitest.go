// Package apitest holds what the providers' tests share: an API that
// misbehaves on loopback (one that reads a request and then hangs or cuts
// the connection), an address that refuses connections, a client that
// counts its dials, a resolver that answers from a table, a Dispatcher
// that records, a runner for pollers and a buffer for loggers.
package apitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// Mode is what a Misbehaving server does once it has read a request.
type Mode int

const (
	// Hang keeps the request open until the client gives up.
	Hang Mode = iota
	// Cut closes the connection without an answer.
	Cut
)

// String returns "hangs" or "cuts the connection".
func (m Mode) String() string {
	if m == Cut {
		return "cuts the connection"
	}
	return "hangs"
}

// Misbehaving is a server on loopback that reads every request whole,
// counts it, and then does what its Mode says. It is closed when the test
// ends.
type Misbehaving struct {
	*httptest.Server
	requests atomic.Int32
}

// NewMisbehaving starts a Misbehaving server.
func NewMisbehaving(t testing.TB, mode Mode) *Misbehaving {
	t.Helper()
	m := &Misbehaving{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		m.requests.Add(1)
		if mode == Cut {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		<-r.Context().Done()
	}))
	t.Cleanup(m.Close)
	return m
}

// Requests returns how many requests the server read.
func (m *Misbehaving) Requests() int { return int(m.requests.Load()) }

// RefusedURL returns an http URL on loopback where nothing listens: a
// connection to it is refused.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("apitest: listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("apitest: close the listener: %v", err)
	}
	return "http://" + addr
}

// DialCounter is an HTTP client that counts the connections it dials.
type DialCounter struct {
	// Client is the client to use; its Timeout is the one given.
	Client *http.Client
	dials  atomic.Int32
}

// NewDialCounter returns a DialCounter whose client has the timeout given.
func NewDialCounter(timeout time.Duration) *DialCounter {
	d := &DialCounter{}
	var dialer net.Dialer
	d.Client = &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d.dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	return d
}

// Dials returns how many connections the client dialled.
func (d *DialCounter) Dials() int { return int(d.dials.Load()) }

// Resolver answers host names from a table and never reaches a DNS
// server; a name it does not know does not exist (NXDOMAIN). It counts
// the lookups of each name.
type Resolver struct {
	// Hosts maps a name to its address.
	Hosts map[string]string

	mu      sync.Mutex
	lookups map[string]int
}

// LookupNetIP answers host from Hosts.
func (r *Resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	if r.lookups == nil {
		r.lookups = make(map[string]int)
	}
	r.lookups[host]++
	r.mu.Unlock()
	ip, ok := r.Hosts[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, &net.DNSError{Err: "bad address in the table: " + err.Error(), Name: host}
	}
	return []netip.Addr{addr}, nil
}

// Lookups returns how many times host was looked up.
func (r *Resolver) Lookups(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookups[host]
}

// Recorder is a poller's Dispatcher that records the updates it gets and
// answers with Errs in turn, then nil.
type Recorder struct {
	// Errs are the answers to the first updates.
	Errs []error

	mu  sync.Mutex
	got []cardbot.Update
	p   cardbot.Provider
}

// Dispatch records u and the provider that delivered it.
func (r *Recorder) Dispatch(_ context.Context, p cardbot.Provider, u cardbot.Update) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, u)
	r.p = p
	if len(r.Errs) == 0 {
		return nil
	}
	err := r.Errs[0]
	r.Errs = r.Errs[1:]
	return err
}

// Updates returns the updates recorded.
func (r *Recorder) Updates() []cardbot.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]cardbot.Update(nil), r.got...)
}

// Provider returns the provider of the last update.
func (r *Recorder) Provider() cardbot.Provider {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p
}

// Run runs run until the stop it returns is called, which ends run's
// context and returns its error; the test fails when run does not return
// within five seconds then.
func Run(t testing.TB, run func(context.Context) error) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	t.Cleanup(cancel)
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Errorf("apitest: still running 5s after its context ended")
			return nil
		}
	}
}

// FreeAddr returns a loopback address that was free a moment ago, for a
// server a test starts by address.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// WaitAccepting waits until a server accepts connections at addr; the
// test fails when none does within 5 s.
func WaitAccepting(t testing.TB, addr string) {
	t.Helper()
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 5*time.Second, 10*time.Millisecond, "nothing accepts connections at %s", addr)
}

// SyncBuffer is a bytes.Buffer that loggers of several goroutines can
// share.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// ServeHostile answers a download as a hostile file server does, by kind,
// and reports whether it knows kind:
//
//   - "loop" redirects to loop, which should redirect again;
//   - "private" redirects to a private address, with token in the path;
//   - "metadata" redirects to the cloud metadata address;
//   - "scheme" redirects to a file URL;
//   - "slow" starts a vCard, then drips a byte every 10 ms until done is
//     closed or the client gives up;
//   - "endless" writes vCard lines until done is closed or a write fails.
func ServeHostile(w http.ResponseWriter, r *http.Request, kind, loop, token string, done <-chan struct{}) bool {
	switch kind {
	case "loop":
		http.Redirect(w, r, loop, http.StatusFound)
	case "private":
		http.Redirect(w, r, "http://10.20.30.40/"+token+".vcf", http.StatusFound)
	case "metadata":
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	case "scheme":
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	case "slow":
		w.Header().Set("Content-Type", "text/vcard")
		rc := http.NewResponseController(w)
		_, _ = io.WriteString(w, "BEGIN:VCARD\r\n")
		_ = rc.Flush()
		for {
			select {
			case <-time.After(10 * time.Millisecond):
			case <-done:
				return true
			case <-r.Context().Done():
				return true
			}
			if _, err := io.WriteString(w, "N"); err != nil || rc.Flush() != nil {
				return true
			}
		}
	case "endless":
		w.Header().Set("Content-Type", "text/vcard")
		line := []byte("BEGIN:VCARD\r\nTEL:+79001234567\r\n")
		for {
			if _, err := w.Write(line); err != nil {
				return true
			}
			select {
			case <-done:
				return true
			default:
			}
		}
	default:
		return false
	}
	return true
}

// Leaks gathers the errors and the Debug log of a test that drives
// failures, and checks that no secret is in them.
type Leaks struct {
	// Logger writes at level Debug into the log that Check reads.
	Logger *slog.Logger

	t    testing.TB
	logs SyncBuffer
	errs []error
}

// NewLeaks returns an empty Leaks for t.
func NewLeaks(t testing.TB) *Leaks {
	l := &Leaks{t: t}
	l.Logger = slog.New(slog.NewTextHandler(&l.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return l
}

// Collect keeps err, which must not be nil.
func (l *Leaks) Collect(err error) {
	l.t.Helper()
	require.Error(l.t, err)
	l.errs = append(l.errs, err)
}

// Errors returns how many errors were collected.
func (l *Leaks) Errors() int { return len(l.errs) }

// Log returns what was logged.
func (l *Leaks) Log() string { return l.logs.String() }

// Check asserts that errors were collected, and that no secret, nor the
// first 16 bytes of a longer one, is in any error's text (as Error, %+v
// and %#v print it) or in the log.
func (l *Leaks) Check(secrets ...string) {
	l.t.Helper()
	require.NotEmpty(l.t, l.errs)
	var pieces []string
	for _, s := range secrets {
		pieces = append(pieces, s)
		if len(s) > 16 {
			pieces = append(pieces, s[:16])
		}
	}
	out := l.Log()
	for _, p := range pieces {
		for _, err := range l.errs {
			for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				assert.NotContains(l.t, text, p, "a secret in %q", text)
			}
		}
		assert.NotContains(l.t, out, p, "a secret in the log")
	}
}

// Quick returns the backoffs and the logger of a client in a test: a
// millisecond up to ten, and no log.
func Quick() (minBackoff, maxBackoff time.Duration, logger *slog.Logger) {
	return time.Millisecond, 10 * time.Millisecond, slog.New(slog.DiscardHandler)
}

// Apply returns v after mods changed it.
func Apply[T any](v T, mods ...func(*T)) T {
	for _, m := range mods {
		m(&v)
	}
	return v
}

// Closed returns v, closed when the test ends.
func Closed[T interface{ Close() }](t testing.TB, v T) T {
	t.Cleanup(v.Close)
	return v
}
