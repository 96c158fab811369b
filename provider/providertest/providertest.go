package providertest

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
)

// recorder is a server that records every request: the host a redirect
// points at.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

func redirects[C Client](t *testing.T, h Harness[C]) {
	other := &recorder{}
	other.Server = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		other.mu.Lock()
		other.seen = append(other.seen, fmt.Sprint(r.Method, " ", r.URL, " ", r.Header))
		other.mu.Unlock()
	}))
	t.Cleanup(other.Close)
	// The target repeats the path and query, which may hold the token.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(api.Close)

	for _, own := range []bool{false, true} {
		for _, call := range append([]Call[C]{h.Send}, h.Reads...) {
			name := "default HTTP client"
			if own {
				name = "caller's HTTP client"
			}
			t.Run(call.Method+"/"+name, func(t *testing.T) {
				var hc *http.Client
				if own {
					hc = &http.Client{Timeout: 5 * time.Second}
				}
				err := call.Do(t.Context(), h.New(t, Options{APIURL: api.URL, HTTPClient: hc}))
				require.ErrorIs(t, err, h.Errors.Redirected)
				method, status, ok := h.Status(err)
				require.True(t, ok, "the provider's error: %v", err)
				assert.Equal(t, call.Method, method)
				assert.Equal(t, http.StatusTemporaryRedirect, status)
				assert.False(t, cardbot.IsRetryable(err), "a redirect is not retried")
				assert.NotContains(t, err.Error(), h.Token)
				assert.Contains(t, err.Error(), "redirect not followed (to host 127.0.0.1)")
				assert.Empty(t, other.requests(), "the other host got nothing")
				if hc != nil {
					assert.Nil(t, hc.CheckRedirect, "the caller's client is not changed")
				}
			})
		}
	}
}

func atMostOnce[C Client](t *testing.T, h Harness[C]) {
	tests := []struct {
		name       string
		call       Call[C]
		retrySends bool
		want       int
	}{
		{"send", h.Send, false, 1},
		{"send with RetrySends", h.Send, true, Retries + 1},
		{"read " + h.Reads[0].Method, h.Reads[0], false, Retries + 1},
	}
	for _, mode := range []apitest.Mode{apitest.Hang, apitest.Cut} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/server %s", tt.name, mode), func(t *testing.T) {
				srv := apitest.NewMisbehaving(t, mode)
				c := h.New(t, Options{APIURL: srv.URL, HTTPClient: &http.Client{Timeout: 150 * time.Millisecond}, RetrySends: tt.retrySends})
				err := tt.call.Do(t.Context(), c)
				require.ErrorIs(t, err, h.Errors.Transient)
				assert.True(t, cardbot.IsRetryable(err), "a webhook answers 503")
				assert.NotContains(t, err.Error(), h.Token)
				assert.Equal(t, tt.want, srv.Requests())
			})
		}
	}
}

func notSent[C Client](t *testing.T, h Harness[C]) {
	dc := apitest.NewDialCounter(time.Second)
	err := h.Send.Do(t.Context(), h.New(t, Options{APIURL: apitest.RefusedURL(t), HTTPClient: dc.Client}))
	require.ErrorIs(t, err, h.Errors.Transient)
	assert.False(t, strings.Contains(err.Error(), h.Token))
	assert.Equal(t, Retries+1, dc.Dials(), "the first attempt and every retry")
	assert.False(t, errors.Is(err, h.Errors.Redirected))
}
