package apiclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot/internal/apiclient"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/internal/transport"
)

// TestMain fails the package's tests when a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const secret = "s3cr3t-token-0123456789"

// testError is the error a test provider makes.
type testError struct {
	kind       string // "status", "net", "bad"
	method     string
	status     int
	msg        string
	retryAfter time.Duration
	cause      error
}

func (e *testError) Error() string {
	return fmt.Sprintf("test: %s: %s %d: %s", e.method, e.kind, e.status, e.msg)
}
func (e *testError) Unwrap() error   { return e.cause }
func (e *testError) Retryable() bool { return e.kind == "net" || e.status == 429 || e.status >= 500 }

func newClient(t *testing.T, o apiclient.Options) *apiclient.Client {
	t.Helper()
	var c *apiclient.Client
	o.Provider = "test"
	if o.HTTP == nil {
		o.HTTP = transport.NoRedirects(&http.Client{Timeout: 30 * time.Second})
	}
	o.Backoff = retry.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond}
	o.Logger = slog.New(slog.DiscardHandler)
	o.Secrets = append(o.Secrets, secret, "short")
	o.Errors = apiclient.Errors{
		Status: func(s apiclient.Status) error {
			msg := s.Redirect
			if msg == "" {
				msg = c.Clean(string(s.Body))
			}
			return &testError{kind: "status", method: s.Method, status: s.Code, msg: msg, retryAfter: s.RetryAfter}
		},
		Net: func(method, msg string, cause error) error {
			return &testError{kind: "net", method: method, msg: msg, cause: cause}
		},
		Bad: func(method string, status int, msg string) error {
			return &testError{kind: "bad", method: method, status: status, msg: msg}
		},
	}
	c = apiclient.New(o)
	return c
}

func TestCall(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		assert.Equal(t, "yes", r.Header.Get("X-Test"), "the options' header is sent")
		switch "/" + strings.Split(r.URL.Path, "/")[1] {
		case "/echo":
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		case "/flaky":
			if n%2 == 1 {
				w.Header().Set("Retry-After", "0")
				http.Error(w, "busy "+secret, http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte(`{}`))
		case "/bad":
			http.Error(w, "no such thing, "+secret, http.StatusBadRequest)
		case "/moved":
			http.Redirect(w, r, "http://elsewhere.test/"+secret, http.StatusTemporaryRedirect)
		case "/junk":
			_, _ = w.Write([]byte("<html>" + secret))
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, apiclient.Options{Retries: 2, Header: http.Header{"X-Test": {"yes"}}})

	tests := []struct {
		name   string
		path   string
		body   any
		calls  int32
		status int // 0: success
		kind   string
	}{
		{"success", "/echo", map[string]int{"a": 1}, 1, 0, ""},
		{"retried after a 503", "/flaky", nil, 2, 0, ""},
		{"400 is final", "/bad", nil, 1, 400, "status"},
		{"a redirect is not followed", "/moved", nil, 1, 307, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			r := &apiclient.Request{Method: "m", HTTPMethod: http.MethodPost, URL: srv.URL + tt.path + "/" + secret, Body: tt.body}
			status, body, err := c.Call(t.Context(), r)
			assert.Equal(t, tt.calls, calls.Load())
			if tt.status == 0 {
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, status)
				assert.NotEmpty(t, body)
				return
			}
			var te *testError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tt.kind, te.kind)
			assert.Equal(t, tt.status, te.status)
			assert.NotContains(t, err.Error(), secret)
			if tt.status == 307 {
				assert.Equal(t, "redirect not followed (to host elsewhere.test)", te.msg)
			} else {
				assert.Contains(t, te.msg, apiclient.Redacted)
			}
		})
	}

	t.Run("an unexpected body", func(t *testing.T) {
		r := &apiclient.Request{Method: "m", HTTPMethod: http.MethodGet, URL: srv.URL + "/junk"}
		_, body, err := c.Call(t.Context(), r)
		require.NoError(t, err)
		var out struct{}
		err = c.Unmarshal(r, body, &out)
		var te *testError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "bad", te.kind)
		assert.Equal(t, "unexpected response: <html>"+apiclient.Redacted, te.msg)
	})
}

func TestNetErrorRedacts(t *testing.T) {
	c := newClient(t, apiclient.Options{Retries: 1})
	tests := []struct {
		name    string
		url     string
		wantCut bool
	}{
		{"refused, the URL holds the secret", apitest.RefusedURL(t) + "/" + secret, false},
		{"a cause whose text holds the secret", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.url != "" {
				_, _, err = c.Call(t.Context(), &apiclient.Request{Method: "m", HTTPMethod: http.MethodGet, URL: tt.url})
			} else {
				err = c.NetError("m", fmt.Errorf("dial %s: %w", secret, context.DeadlineExceeded))
			}
			var te *testError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "net", te.kind)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, te.cause.Error(), secret, "the cause's text is hidden too")
			assert.Equal(t, tt.wantCut, strings.Contains(te.msg, apiclient.Redacted))
			if !tt.wantCut {
				assert.NotContains(t, te.msg, "http://", "the URL is dropped")
			} else {
				assert.True(t, errors.Is(err, context.DeadlineExceeded), "the cause still unwraps")
			}
		})
	}
}

func TestCleanIgnoresShortSecrets(t *testing.T) {
	c := newClient(t, apiclient.Options{})
	assert.Equal(t, "a short word and "+apiclient.Redacted, c.Clean("  a short word and "+secret+" "))
}

func TestBuildFailureIsFinal(t *testing.T) {
	c := newClient(t, apiclient.Options{Retries: 3})
	_, err := c.Open(t.Context(), &apiclient.Request{Method: "m", HTTPMethod: "BAD METHOD", URL: "http://x/" + secret})
	require.Error(t, err)
	assert.Equal(t, "test: m: cannot build the request", err.Error())
}

// TestCallRefusesWhatItCannotRead: a body that cannot be encoded fails
// before any request; an answer cut short is a network error, and one over
// MaxResponse a bad answer, neither of which quotes the URL's secret.
func TestCallRefusesWhatItCannotRead(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		switch r.URL.Path {
		case "/cut":
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"partial":`))
		case "/huge":
			chunk := bytes.Repeat([]byte("x"), 1<<20)
			for range apiclient.MaxResponse/len(chunk) + 1 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}))
	t.Cleanup(srv.Close)
	// Reading 16 MiB under -race on a busy machine can take longer than
	// the usual test client's second: this test is about the limit, not
	// the clock.
	c := newClient(t, apiclient.Options{HTTP: transport.NoRedirects(&http.Client{Timeout: time.Minute})})
	tests := []struct {
		name  string
		path  string
		body  any
		calls int32
		kind  string // "" for an error that is not the provider's
	}{
		{"a body JSON cannot encode", "/never", map[string]any{"f": func() {}}, 0, ""},
		{"an answer cut short", "/cut", nil, 1, "net"},
		{"an answer over MaxResponse", "/huge", nil, 1, "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			r := &apiclient.Request{Method: "m", HTTPMethod: http.MethodPost, URL: srv.URL + tt.path + "?t=" + secret, Body: tt.body, NoRetry: true}
			status, body, err := c.Call(t.Context(), r)
			require.Error(t, err)
			assert.Zero(t, status)
			assert.Nil(t, body)
			assert.Equal(t, tt.calls, calls.Load())
			assert.NotContains(t, err.Error(), secret)
			var te *testError
			if tt.kind == "" {
				assert.False(t, errors.As(err, &te), "no request was made: %v", err)
				assert.Contains(t, err.Error(), "test: m: encode the request")
				return
			}
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tt.kind, te.kind)
			if tt.kind == "bad" {
				assert.Equal(t, "response over 16 MiB", te.msg)
				assert.Equal(t, http.StatusOK, te.status)
			} else {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			}
		})
	}
}

func TestLogger(t *testing.T) {
	l := slog.New(slog.DiscardHandler)
	assert.Same(t, l, apiclient.New(apiclient.Options{Logger: l}).Logger())
}
