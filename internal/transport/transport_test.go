package transport_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/transport"
)

func TestNewKeepsDefaults(t *testing.T) {
	tr := transport.New()
	def := http.DefaultTransport.(*http.Transport)
	assert.Equal(t, transport.IdlePerHost, tr.MaxIdleConnsPerHost)
	assert.GreaterOrEqual(t, tr.MaxIdleConns, 2*transport.IdlePerHost)
	assert.NotNil(t, tr.Proxy, "proxy from the environment")
	assert.Equal(t, def.TLSHandshakeTimeout, tr.TLSHandshakeTimeout)
	assert.Equal(t, def.IdleConnTimeout, tr.IdleConnTimeout)
	assert.True(t, tr.ForceAttemptHTTP2)
	assert.Zero(t, def.MaxIdleConnsPerHost, "http.DefaultTransport is left alone")

	c := transport.Client(7 * time.Second)
	assert.Equal(t, 7*time.Second, c.Timeout)
	assert.IsType(t, &http.Transport{}, c.Transport)
}

// TestNewWithoutDefaultTransport: a program that replaced
// http.DefaultTransport with its own RoundTripper still gets a transport.
func TestNewWithoutDefaultTransport(t *testing.T) {
	saved := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = saved })
	http.DefaultTransport = roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, fmt.Errorf("not this one") })

	tr := transport.New()
	require.NotNil(t, tr)
	assert.Equal(t, transport.IdlePerHost, tr.MaxIdleConnsPerHost)
	assert.NotNil(t, tr.DialContext)
	assert.NotNil(t, tr.Proxy)
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestClientReusesConnections: sixteen senders at once, in rounds, open
// about sixteen connections in all, not a new one per request as with
// http.DefaultTransport's two idle ones per host.
func TestClientReusesConnections(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		time.Sleep(time.Millisecond)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	opened := func(c *http.Client) int64 {
		conns.Store(0)
		for range 5 {
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					resp, err := c.Get(srv.URL)
					if assert.NoError(t, err) {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				})
			}
			wg.Wait()
		}
		c.CloseIdleConnections()
		return conns.Load()
	}
	ours := opened(transport.Client(5 * time.Second))
	twoIdle := opened(&http.Client{Transport: &http.Transport{}}) // http.DefaultTransport's bound
	assert.LessOrEqual(t, ours, int64(2*16), "connections opened for 80 requests")
	assert.Greater(t, twoIdle, ours, "two idle connections per host would have done as well")
}

// TestNoRedirects: the copy returns a 3xx as it is and sends nothing to
// the other host; the client it copied is left as it was.
func TestNoRedirects(t *testing.T) {
	var other atomic.Int32
	away := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { other.Add(1) }))
	defer away.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, away.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer api.Close()

	tests := []struct {
		name string
		base *http.Client
	}{
		{"a fresh client", &http.Client{}},
		{"a client with its own CheckRedirect", &http.Client{Timeout: time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprintf("%p", tt.base.CheckRedirect)
			c := transport.NoRedirects(tt.base)
			require.NotSame(t, tt.base, c)
			assert.Equal(t, tt.base.Timeout, c.Timeout)
			resp, err := c.Post(api.URL+"/secret", "text/plain", nil)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
			assert.Zero(t, other.Load(), "nothing reached the other host")
			assert.Equal(t, before, fmt.Sprintf("%p", tt.base.CheckRedirect), "the caller's client is not changed")
		})
	}
}
