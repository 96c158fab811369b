package safefetch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/safefetch"
)

// TestFetchChecksTheURLBeforeDo: a URL that is not http or https is
// refused before the caller's do runs, so nothing is sent anywhere.
func TestFetchChecksTheURLBeforeDo(t *testing.T) {
	f := safefetch.New(safefetch.Options{APIURL: publicAPI, Resolver: resolver})
	called := false
	rc, err := f.Fetch(t.Context(), "file:///etc/passwd", func(context.Context, *http.Client) (*http.Response, error) {
		called = true
		return nil, nil
	})
	require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
	assert.Nil(t, rc)
	assert.False(t, called, "do is not called for a refused URL")
}

// TestCheckURLShortensALongScheme: the error names the scheme, cut to 16
// characters, so that a URL's payload cannot be smuggled into logs.
func TestCheckURLShortensALongScheme(t *testing.T) {
	scheme := "abcdefghijklmnopqrstuvwxyz-token-123456"
	err := safefetch.CheckURL(scheme + "://example.com/x")
	require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
	assert.Contains(t, err.Error(), `"abcdefghijklmnop…"`)
	assert.NotContains(t, err.Error(), "token-123456")
}

// emptyResolver answers every lookup with no address and no error, as a
// broken resolver may.
type emptyResolver struct{}

func (emptyResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return nil, nil
}

// TestFetchRefusals: cases of the address policy that TestFetchAddressPolicy
// does not have. None of them reaches the server.
func TestFetchRefusals(t *testing.T) {
	srv := newServer(t, hello)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name     string
		opts     safefetch.Options
		url      string
		unsafe   bool   // the error wraps cardbot.ErrUnsafeURL
		contains string // in the error
	}{
		{"no API URL: no local address is allowed", safefetch.Options{Resolver: resolver}, srv.URL + "/x.vcf", true, "loopback"},
		{"multicast, API on loopback", safefetch.Options{APIURL: srv.URL, Resolver: resolver}, fmt.Sprintf("http://239.1.2.3:%d/", port), true, "239.1.2.3 is a multicast or broadcast address"},
		{"a lookup with no address", safefetch.Options{APIURL: publicAPI, Resolver: emptyResolver{}}, fmt.Sprintf("http://empty.example.test:%d/", port), false, "no address for empty.example.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := safefetch.New(tt.opts)
			_, err := fetch(t, f, tt.url)
			require.Error(t, err)
			assert.Equal(t, tt.unsafe, errors.Is(err, cardbot.ErrUnsafeURL), "%v", err)
			assert.Contains(t, err.Error(), tt.contains)
			assert.NotContains(t, err.Error(), "tok-123456")
			assert.Zero(t, srv.conns.Load(), "refused before any connection")
		})
	}
}

// closeCounter is a request body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed atomic.Int32
}

func (c *closeCounter) Close() error { c.closed.Add(1); return nil }

// countingRT is a caller's RoundTripper that counts the requests that reach
// it.
type countingRT struct {
	n    *atomic.Int32
	next http.RoundTripper
}

func (r countingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r.n.Add(1)
	return r.next.RoundTrip(req)
}

// TestFetchCustomRoundTripperRefusals: behind a caller's RoundTripper, a
// refused request never reaches it, and its body is closed, as the
// RoundTripper contract wants even on errors. The check covers the URL the
// request really has, not only the one given to Fetch.
func TestFetchCustomRoundTripperRefusals(t *testing.T) {
	srv := newServer(t, hello)
	tests := []struct {
		name string
		url  string // what do sends; Fetch is given srv.URL
	}{
		{"a loopback host, public API", srv.URL + "/upload"},
		{"do sends another scheme than the URL checked", "ftp://files.example.test/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reached atomic.Int32
			base := &http.Client{Transport: countingRT{n: &reached, next: http.DefaultTransport}}
			f := safefetch.New(safefetch.Options{APIURL: publicAPI, Base: base, Resolver: resolver})
			body := &closeCounter{Reader: strings.NewReader("payload")}
			_, err := f.Fetch(t.Context(), srv.URL, func(ctx context.Context, hc *http.Client) (*http.Response, error) {
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, tt.url, body)
				require.NoError(t, err)
				return hc.Do(req)
			})
			require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
			assert.Zero(t, reached.Load(), "the caller's RoundTripper got no request")
			assert.Zero(t, srv.conns.Load())
			assert.GreaterOrEqual(t, body.closed.Load(), int32(1), "the request body is closed")
		})
	}
}
