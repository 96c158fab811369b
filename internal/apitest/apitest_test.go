package apitest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot/internal/apitest"
)

// TestMain fails the package's tests when a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestMisbehaving(t *testing.T) {
	for _, mode := range []apitest.Mode{apitest.Hang, apitest.Cut} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := apitest.NewMisbehaving(t, mode)
			hc := &http.Client{Timeout: 100 * time.Millisecond}
			resp, err := hc.Post(srv.URL, "application/json", bytes.NewReader([]byte(`{"a":1}`)))
			if err == nil {
				resp.Body.Close()
			}
			require.Error(t, err, "no answer")
			assert.Equal(t, 1, srv.Requests())
			hc.CloseIdleConnections()
		})
	}
}

func TestRefusedURLAndDialCounter(t *testing.T) {
	dc := apitest.NewDialCounter(time.Second)
	resp, err := dc.Client.Get(apitest.RefusedURL(t))
	if err == nil {
		resp.Body.Close()
	}
	var op *net.OpError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, "dial", op.Op)
	assert.Equal(t, 1, dc.Dials())
}

func TestResolver(t *testing.T) {
	r := &apitest.Resolver{Hosts: map[string]string{"files.example.test": "127.0.0.1", "bad.example.test": "x"}}
	tests := []struct {
		host     string
		want     string
		notFound bool
	}{
		{"files.example.test", "127.0.0.1", false},
		{"nxdomain.example.test", "", true},
		{"bad.example.test", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			ips, err := r.LookupNetIP(t.Context(), "ip", tt.host)
			assert.Equal(t, 1, r.Lookups(tt.host))
			if tt.want != "" {
				require.NoError(t, err)
				require.Len(t, ips, 1)
				assert.Equal(t, tt.want, ips[0].String())
				return
			}
			var dns *net.DNSError
			require.True(t, errors.As(err, &dns))
			assert.Equal(t, tt.notFound, dns.IsNotFound)
		})
	}
}

func TestServeHostile(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !apitest.ServeHostile(w, r, strings.TrimPrefix(r.URL.Path, "/"), "http://loop.test/again", "tok", done) {
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	// No client timeout: a loaded machine may take longer than any short
	// one to answer at all. The body's 100 ms start once the head came.
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		kind     string
		status   int
		location string
	}{
		{"loop", http.StatusFound, "http://loop.test/again"},
		{"private", http.StatusFound, "http://10.20.30.40/tok.vcf"},
		{"metadata", http.StatusFound, "http://169.254.169.254/latest/meta-data/"},
		{"scheme", http.StatusFound, "file:///etc/passwd"},
		{"slow", http.StatusOK, ""},
		{"endless", http.StatusOK, ""},
		{"unknown", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/"+tt.kind, nil)
			require.NoError(t, err)
			resp, err := noRedirects.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.location, resp.Header.Get("Location"))
			if tt.status == http.StatusOK {
				// Nothing is to end the body within 100 ms: a check that
				// can only pass falsely.
				stop := time.AfterFunc(100*time.Millisecond, cancel)
				defer stop.Stop()
				_, err := io.Copy(io.Discard, resp.Body)
				require.Error(t, err, "the body does not end within 100 ms")
			}
		})
	}
}

// fakeT records failures instead of failing the test.
type fakeT struct {
	testing.TB
	failures int
}

func (f *fakeT) Errorf(string, ...any) { f.failures++ }
func (f *fakeT) FailNow()              {}
func (f *fakeT) Helper()               {}

func TestLeaks(t *testing.T) {
	const secret = "0123456789abcdefSECRET"
	tests := []struct {
		name   string
		err    error
		log    string
		failed bool
	}{
		{"clean", errors.New("nothing to see"), "all quiet", false},
		{"a secret in an error", errors.New("token " + secret), "", true},
		{"a piece of a secret in the log", errors.New("clean"), "token 0123456789abcdef…", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeT{TB: t}
			l := apitest.NewLeaks(ft)
			l.Collect(tt.err)
			l.Logger.Debug(tt.log)
			l.Check(secret)
			assert.Equal(t, tt.failed, ft.failures > 0)
			assert.Equal(t, 1, l.Errors())
		})
	}
	t.Run("nothing collected", func(t *testing.T) {
		ft := &fakeT{TB: t}
		apitest.NewLeaks(ft).Check(secret)
		assert.Positive(t, ft.failures)
	})
}

type closer struct{ closed bool }

func (c *closer) Close() { c.closed = true }

func TestSmallHelpers(t *testing.T) {
	minB, maxB, logger := apitest.Quick()
	assert.Equal(t, time.Millisecond, minB)
	assert.Equal(t, 10*time.Millisecond, maxB)
	assert.False(t, logger.Enabled(t.Context(), slog.LevelError), "a silent logger")

	got := apitest.Apply(1, func(n *int) { *n += 2 }, func(n *int) { *n *= 10 })
	assert.Equal(t, 30, got)

	c := &closer{}
	t.Run("closed at the end", func(t *testing.T) {
		assert.Same(t, c, apitest.Closed(t, c))
		assert.False(t, c.closed)
	})
	assert.True(t, c.closed)
}
