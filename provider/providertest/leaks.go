package providertest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot/internal/apitest"
)

// redaction drives every failure path with a logger at level Debug and
// checks that no secret is in an error string or a log line, though the
// fake echoes the token in its answers.
func redaction[C Client](t *testing.T, h Harness[C]) {
	leaks := apitest.NewLeaks(t)
	fake := h.Serve(t)
	client := func(o Options) C {
		if o.APIURL == "" {
			o.APIURL = fake.URL
		}
		o.Logger = leaks.Logger
		return h.New(t, o)
	}
	send := func(ctx context.Context, c C) {
		t.Helper()
		leaks.Collect(h.Send.Do(ctx, c))
	}
	c := client(Options{})

	// Another token.
	send(t.Context(), client(Options{Token: h.Token[:len(h.Token)/2]}))
	// A server that echoes the token.
	for _, status := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden} {
		fake.Fail(1, Failure{Status: status, Body: "Token " + h.Token + " is not allowed here"})
		send(t.Context(), c)
	}
	// Retries exhausted, logged at Debug, with the token in each body.
	fake.Fail(Retries+1, Failure{Status: http.StatusInternalServerError, Body: "System error for " + h.Token})
	send(t.Context(), client(Options{RetrySends: true}))
	fake.Fail(Retries+1, Failure{Status: http.StatusTooManyRequests, Body: "slow down, " + h.Token})
	send(t.Context(), c)
	fake.Fail(1, Failure{Status: http.StatusTooManyRequests, RetryAfter: time.Hour})
	send(t.Context(), c)
	fake.Reset()
	// Cancelled during the backoff.
	fake.Fail(Retries+1, Failure{Status: http.StatusServiceUnavailable, Body: h.Token})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	send(ctx, client(Options{RetrySends: true, MinBackoff: time.Second, MaxBackoff: time.Second}))
	cancel()
	fake.Reset()
	// No server at all, for every call.
	gone := client(Options{APIURL: apitest.RefusedURL(t)})
	for _, call := range append([]Call[C]{h.Send, h.file()}, h.Reads...) {
		leaks.Collect(call.Do(t.Context(), gone))
	}
	// The poller: failures logged, then a stop on 401.
	fake.Fail(3, Failure{Status: http.StatusBadGateway, Body: "bad gateway " + h.Token})
	fake.Fail(1, Failure{Status: http.StatusUnauthorized, Body: "Token is invalid: " + h.Token})
	leaks.Collect(h.Poll(c, &apitest.Recorder{}, nil)(t.Context()))
	if h.Leaks != nil {
		h.Leaks(t, leaks.Logger, leaks.Collect)
	}

	leaks.Check(append([]string{h.Token}, h.Secrets...)...)
	out := leaks.Log()
	assert.Contains(t, out, c.Name()+": retrying", "the retries were logged")
	assert.Contains(t, out, c.Name()+": polling failed", "the poller's failures were logged")
	for _, s := range h.Unlogged {
		assert.NotContains(t, out, s)
	}
}
