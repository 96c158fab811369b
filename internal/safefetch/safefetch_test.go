package safefetch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/safefetch"
)

// fakeResolver answers from a table and never reaches a DNS server.
type fakeResolver map[string][]string

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	list, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, s := range list {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

// publicAPI is a provider API URL on a public address, as in production.
const publicAPI = "https://api.green-api.com"

var resolver = fakeResolver{
	"api.green-api.com":  {"203.0.113.10"},
	"files.example.test": {"127.0.0.1"},
	"mixed.example.test": {"203.0.113.11", "127.0.0.1"}, // never dialled: one bad address refuses the host
}

// server is a loopback test server that counts the connections it got.
type server struct {
	*httptest.Server
	conns atomic.Int32
	reqs  atomic.Int32
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.reqs.Add(1)
		h(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func get(url string) func(context.Context, *http.Client) (*http.Response, error) {
	return func(ctx context.Context, hc *http.Client) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Secret", "tok-123456")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("status %d", resp.StatusCode)
		}
		return resp, nil
	}
}

func fetch(t *testing.T, f *safefetch.Fetcher, url string) (string, error) {
	t.Helper()
	rc, err := f.Fetch(t.Context(), url, get(url))
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func hello(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") }

func TestCheckURL(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/x.vcf", "gopher://x", "javascript:alert(1)", "//example.com/x", "/x.vcf", "http://", "http:///x", "%zz"} {
		t.Run(u, func(t *testing.T) {
			err := safefetch.CheckURL(u)
			require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
			assert.True(t, (interface{ Permanent() bool })(err.(*safefetch.Error)).Permanent())
		})
	}
	for _, u := range []string{"http://example.com/x.vcf", "HTTPS://example.com:8443/a?b=c", "http://127.0.0.1:1/"} {
		assert.NoError(t, safefetch.CheckURL(u), u)
	}
}

func TestFetchAddressPolicy(t *testing.T) {
	srv := newServer(t, hello)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	byName := fmt.Sprintf("http://files.example.test:%d/x.vcf", port)
	mixed := fmt.Sprintf("http://mixed.example.test:%d/x.vcf", port)

	tests := []struct {
		name    string
		api     string
		url     string
		refused bool
	}{
		{"loopback IP, public API", publicAPI, srv.URL + "/x.vcf", true},
		{"name resolving to loopback, public API", publicAPI, byName, true},
		{"a name's second address is loopback, public API", publicAPI, mixed, true},
		{"IPv4-mapped loopback, public API", publicAPI, fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port), true},
		{"unspecified address, public API", publicAPI, fmt.Sprintf("http://0.0.0.0:%d/", port), true},
		{"loopback, API on loopback", srv.URL, srv.URL + "/x.vcf", false},
		{"loopback by name, API on loopback", "http://127.0.0.1:9/", byName, false},
		{"loopback, API on localhost", "http://localhost:8080/", srv.URL + "/x.vcf", false},
		{"loopback, API on a private address", "http://10.1.2.3/", srv.URL + "/x.vcf", true},
		{"loopback, API that does not resolve", "https://nowhere.example.test", srv.URL, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.conns.Load()
			f := safefetch.New(safefetch.Options{APIURL: tt.api, Resolver: resolver})
			got, err := fetch(t, f, tt.url)
			if !tt.refused {
				require.NoError(t, err)
				assert.Equal(t, "hello", got)
				return
			}
			require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
			assert.Equal(t, before, srv.conns.Load(), "refused before any connection")
			assert.NotContains(t, err.Error(), "tok-123456")
		})
	}
}

// TestFetchHostNotFound: a host name that does not exist fails for good
// (a Permanent error that still wraps the *net.DNSError), through the
// Fetcher's own dialer and behind a RoundTripper of the caller's; one
// whose lookup failed for another reason may be tried again.
func TestFetchHostNotFound(t *testing.T) {
	failing := fakeResolver{}
	tests := []struct {
		name      string
		base      *http.Client
		host      string
		permanent bool
	}{
		{"NXDOMAIN, own dialer", nil, "nxdomain.example.test", true},
		{"NXDOMAIN, caller's RoundTripper", &http.Client{Transport: roundTripper{http.DefaultTransport}}, "nxdomain.example.test", true},
		{"lookup failed otherwise", nil, "servfail.example.test", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tempFailResolver{fakeResolver: failing, temp: "servfail.example.test"}
			f := safefetch.New(safefetch.Options{APIURL: publicAPI, Base: tt.base, Resolver: r})
			_, err := fetch(t, f, "http://"+tt.host+"/x.vcf")
			require.Error(t, err)
			var dns *net.DNSError
			require.ErrorAs(t, err, &dns)
			var p interface{ Permanent() bool }
			assert.Equal(t, tt.permanent, errors.As(err, &p) && p.Permanent())
		})
	}
}

// tempFailResolver fails temp's lookups with a temporary error.
type tempFailResolver struct {
	fakeResolver
	temp string
}

func (r tempFailResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if host == r.temp {
		return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
	}
	return r.fakeResolver.LookupNetIP(ctx, network, host)
}

func TestFetchCustomRoundTripper(t *testing.T) {
	// A transport the Fetcher cannot dial through is still guarded by a
	// check of the host's addresses.
	srv := newServer(t, hello)
	base := &http.Client{Transport: roundTripper{http.DefaultTransport}}
	f := safefetch.New(safefetch.Options{APIURL: publicAPI, Base: base, Resolver: resolver})
	_, err := fetch(t, f, srv.URL)
	require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
	assert.Zero(t, srv.conns.Load())

	f = safefetch.New(safefetch.Options{APIURL: srv.URL, Base: base, Resolver: resolver})
	got, err := fetch(t, f, srv.URL)
	require.NoError(t, err)
	assert.Equal(t, "hello", got)
}

type roundTripper struct{ next http.RoundTripper }

func (r roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	return r.next.RoundTrip(req)
}

func TestFetchRedirects(t *testing.T) {
	var loop *server
	loop = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+r.URL.Path+"x", http.StatusFound)
	})
	var secretSeen atomic.Value
	other := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		secretSeen.Store(r.Header.Get("X-Secret"))
		hello(w, r)
	})
	to := func(target string) *server {
		return newServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target, http.StatusFound)
		})
	}
	// The other server by name: another host than 127.0.0.1, same machine.
	otherByName := strings.Replace(other.URL, "127.0.0.1", "files.example.test", 1)

	tests := []struct {
		name    string
		from    *server
		max     int
		wantErr error
	}{
		{"endless loop", loop, 3, cardbot.ErrTooManyRedirects},
		{"endless loop, no redirects allowed", loop, -1, cardbot.ErrTooManyRedirects},
		{"to a private address", to("http://10.255.255.1/x.vcf"), 0, cardbot.ErrUnsafeURL},
		{"to the metadata address", to("http://169.254.169.254/latest/meta-data/"), 0, cardbot.ErrUnsafeURL},
		{"to IPv6 unique local", to("http://[fd12:3456::1]/x.vcf"), 0, cardbot.ErrUnsafeURL},
		{"to a file URL", to("file:///etc/passwd"), 0, cardbot.ErrUnsafeURL},
		{"to another loopback host", to(otherByName + "/x.vcf"), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loop.reqs.Store(0)
			// The API is on loopback: loopback is allowed, nothing else local.
			f := safefetch.New(safefetch.Options{APIURL: "http://127.0.0.1:9", MaxRedirects: tt.max, Resolver: resolver, StripOnRedirect: []string{"X-Secret"}})
			got, err := fetch(t, f, tt.from.URL+"/a")
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "hello", got)
				assert.Empty(t, secretSeen.Load(), "the secret header does not follow a redirect to another host")
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.True(t, errors.Is(err, cardbot.ErrUnsafeURL) != errors.Is(err, cardbot.ErrTooManyRedirects))
			if tt.from == loop {
				want := max(tt.max, 0) + 1
				assert.EqualValues(t, want, loop.reqs.Load(), "the first request and the redirects allowed")
			}
		})
	}

	t.Run("the secret header stays on the same host", func(t *testing.T) {
		var seen atomic.Value
		var same *server
		same = newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/a" {
				http.Redirect(w, r, same.URL+"/b", http.StatusFound)
				return
			}
			seen.Store(r.Header.Get("X-Secret"))
			hello(w, r)
		})
		f := safefetch.New(safefetch.Options{APIURL: same.URL, StripOnRedirect: []string{"X-Secret"}})
		_, err := fetch(t, f, same.URL+"/a")
		require.NoError(t, err)
		assert.Equal(t, "tok-123456", seen.Load())
	})
}

// TestFetchNoRedirects: with NoRedirects a 3xx reaches the caller as it
// is, and the host it points at gets no request.
func TestFetchNoRedirects(t *testing.T) {
	other := newServer(t, hello)
	tests := []struct {
		name   string
		status int
	}{
		{"302", http.StatusFound},
		{"307", http.StatusTemporaryRedirect},
		{"308", http.StatusPermanentRedirect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/x.vcf", tt.status)
			})
			f := safefetch.New(safefetch.Options{APIURL: api.URL, NoRedirects: true})
			var status int
			rc, err := f.Fetch(t.Context(), api.URL, func(ctx context.Context, hc *http.Client) (*http.Response, error) {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+"/a", nil)
				require.NoError(t, err)
				resp, err := hc.Do(req)
				if err == nil {
					status = resp.StatusCode
				}
				return resp, err
			})
			require.NoError(t, err)
			require.NoError(t, rc.Close())
			assert.Equal(t, tt.status, status)
			assert.EqualValues(t, 1, api.reqs.Load())
			assert.Zero(t, other.reqs.Load(), "nothing went to the other host")
		})
	}
}

func TestFetchHugeBody(t *testing.T) {
	// An endless body: the caller reads up to its cap and closes; the
	// server's writes then fail, the download is over.
	wrote := make(chan int64, 1)
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("TEL:+79001234567\r\n", 1000))
		var n int64
		for {
			m, err := w.Write(chunk)
			n += int64(m)
			if err != nil {
				wrote <- n
				return
			}
		}
	})
	f := safefetch.New(safefetch.Options{APIURL: srv.URL, Timeout: 10 * time.Second})
	rc, err := f.Fetch(t.Context(), srv.URL, get(srv.URL))
	require.NoError(t, err)
	const capBytes = 1 << 20
	got, err := io.ReadAll(io.LimitReader(rc, capBytes+1))
	require.NoError(t, err)
	assert.Len(t, got, capBytes+1, "cut at the cap")
	require.NoError(t, rc.Close())
	select {
	case n := <-wrote:
		assert.Less(t, n, int64(64<<20), "the server stopped soon after the cap")
	case <-time.After(10 * time.Second):
		t.Fatal("the server is still writing: the download was not ended")
	}
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	drip := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		for {
			if _, err := w.Write([]byte("B")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(20 * time.Millisecond):
			case <-release:
				return
			}
		}
	})
	silent := newServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // before the servers' Close, which waits for the handlers

	t.Run("slow-drip body", func(t *testing.T) {
		f := safefetch.New(safefetch.Options{APIURL: drip.URL, Timeout: 200 * time.Millisecond})
		rc, err := f.Fetch(t.Context(), drip.URL, get(drip.URL))
		require.NoError(t, err)
		defer rc.Close()
		got, err := io.ReadAll(rc)
		require.ErrorIs(t, err, cardbot.ErrDownloadTimeout)
		assert.NotEmpty(t, got)
		assert.False(t, errors.Is(err, cardbot.ErrUnsafeURL))
	})
	t.Run("no answer", func(t *testing.T) {
		f := safefetch.New(safefetch.Options{APIURL: silent.URL, Timeout: 100 * time.Millisecond})
		_, err := fetch(t, f, silent.URL)
		require.ErrorIs(t, err, cardbot.ErrDownloadTimeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("the caller's context ends first", func(t *testing.T) {
		f := safefetch.New(safefetch.Options{APIURL: silent.URL, Timeout: time.Minute})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := f.Fetch(ctx, silent.URL, get(silent.URL))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, cardbot.ErrDownloadTimeout, "not the download's own timeout")
	})
}

// slowFirstResolver answers host's first lookup only when release is
// closed (or its context ends), and every later one at once.
type slowFirstResolver struct {
	host    string
	addr    netip.Addr
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
}

func (r *slowFirstResolver) LookupNetIP(ctx context.Context, _, host string) ([]netip.Addr, error) {
	if host != r.host {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if r.calls.Add(1) == 1 {
		close(r.started)
		select {
		case <-r.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return []netip.Addr{r.addr}, nil
}

// TestSlowLookupBlocksNoOtherFetch: while one download waits for a slow
// lookup of the API host, another one goes through: no lookup runs under
// a lock others need.
func TestSlowLookupBlocksNoOtherFetch(t *testing.T) {
	srv := newServer(t, hello)
	r := &slowFirstResolver{host: "api.slow.test", addr: netip.MustParseAddr("127.0.0.1"),
		started: make(chan struct{}), release: make(chan struct{})}
	f := safefetch.New(safefetch.Options{APIURL: "http://api.slow.test", Resolver: r})

	first := make(chan error, 1)
	go func() {
		_, err := fetch(t, f, srv.URL+"/first")
		first <- err
	}()
	select {
	case <-r.started:
	case <-time.After(30 * time.Second):
		require.FailNow(t, "the first download never looked the API host up")
	}

	// The second download must end while the first one's lookup is still
	// held: how soon does not matter, so the wait is generous (a loaded
	// machine with the race detector takes seconds to dial and serve), and
	// only a second download that waits for the held lookup runs into it.
	defer func() {
		select {
		case <-r.release:
		default:
			close(r.release) // a failing test lets the first download end
		}
	}()
	type result struct {
		body string
		err  error
	}
	second := make(chan result, 1)
	go func() {
		body, err := fetch(t, f, srv.URL+"/second")
		second <- result{body, err}
	}()
	select {
	case res := <-second:
		require.NoError(t, res.err, "the second download does not wait for the first one's lookup")
		assert.Equal(t, "hello", res.body)
	case err := <-first:
		require.FailNow(t, "the first download ended before its lookup", "%v", err)
	case <-time.After(30 * time.Second):
		require.FailNow(t, "the second download waited for the first one's lookup")
	}
	select {
	case err := <-first:
		require.FailNow(t, "the first download ended before its lookup", "%v", err)
	default:
	}

	close(r.release)
	require.NoError(t, <-first)
}
