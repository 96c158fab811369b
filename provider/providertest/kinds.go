package providertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// answered is a case of kinds and fileFailures: the fake fails, and the
// call ends as want says.
type answered struct {
	name       string
	fails      []Failure
	retrySends bool
	kind       error // nil: of no kind; ignored when ok
	retryable  bool
	calls      int
	ok         bool // the call succeeds in the end
}

// fail queues the failures of tt on fake.
func (tt answered) fail(fake Fake) {
	for _, f := range tt.fails {
		fake.Fail(1, f)
	}
}

// times returns n copies of f.
func times(n int, f Failure) []Failure {
	out := make([]Failure, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// kinds checks that a send's failures have the same kinds, retries and
// statuses with every provider.
func kinds[C Client](t *testing.T, h Harness[C]) {
	e := h.Errors
	all := Retries + 1
	tests := []answered{
		{name: "401", fails: times(9, Failure{Status: 401}), kind: e.Unauthorized, calls: 1},
		{name: "403", fails: times(9, Failure{Status: 403}), kind: e.Unauthorized, calls: 1},
		{name: "400", fails: times(9, Failure{Status: 400}), kind: e.Validation, calls: 1},
		{name: "429 retried until exhausted", fails: times(9, Failure{Status: 429}), kind: e.RateLimited, retryable: true, calls: all},
		{name: "429 asking too long fails at once", fails: times(9, Failure{Status: 429, RetryAfter: time.Hour}),
			kind: e.RateLimited, retryable: true, calls: 1},
		{name: "429 then success", fails: times(1, Failure{Status: 429}), calls: 2, ok: true},
		{name: "500 on a send not retried", fails: times(9, Failure{Status: 500}), kind: e.Transient, retryable: true, calls: 1},
		{name: "502 on a send not retried", fails: times(9, Failure{Status: 502}), kind: e.Transient, retryable: true, calls: 1},
		{name: "504 on a send not retried", fails: times(9, Failure{Status: 504}), kind: e.Transient, retryable: true, calls: 1},
		{name: "503 retried until exhausted with RetrySends", fails: times(9, Failure{Status: 503}), retrySends: true,
			kind: e.Transient, retryable: true, calls: all},
		{name: "500 and 502 then success with RetrySends", fails: []Failure{{Status: 500}, {Status: 502}}, retrySends: true,
			calls: 3, ok: true},
		{name: "501 of no kind, not retried", fails: times(9, Failure{Status: 501}), calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := h.Serve(t)
			tt.fail(fake)
			err := h.Send.Do(t.Context(), h.New(t, Options{APIURL: fake.URL, RetrySends: tt.retrySends}))
			assert.Len(t, fake.Calls(), tt.calls)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, 1, fake.Sent())
				return
			}
			require.Error(t, err)
			method, status, ok := h.Status(err)
			require.True(t, ok, "the provider's error: %v", err)
			assert.Equal(t, h.Send.Method, method)
			assert.Equal(t, tt.fails[0].Status, status)
			for _, kind := range e.all() {
				if kind == tt.kind {
					assert.ErrorIs(t, err, kind)
				} else {
					assert.NotErrorIs(t, err, kind)
				}
			}
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			assert.NotContains(t, err.Error(), h.Token)
			assert.Zero(t, fake.Sent())
		})
	}

	t.Run("Retry-After is honoured", func(t *testing.T) {
		fake := h.Serve(t)
		fake.Fail(1, Failure{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
		start := time.Now()
		err := h.Send.Do(t.Context(), h.New(t, Options{APIURL: fake.URL, MaxBackoff: 3 * time.Second}))
		elapsed := time.Since(start)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, elapsed, time.Second, "the client waits what Retry-After says")
		assert.Less(t, elapsed, 2500*time.Millisecond)
		calls := fake.Calls()
		require.Len(t, calls, 2)
		assert.GreaterOrEqual(t, calls[1].Sub(calls[0]), time.Second)
	})
}

// fileFailures checks that a file send's failures, at its first call,
// keep the kinds of a send's, and that no error holds the token.
func fileFailures[C Client](t *testing.T, h Harness[C]) {
	e := h.Errors
	tests := []answered{
		{name: "400", fails: times(1, Failure{Status: 400}), kind: e.Validation, calls: 1},
		{name: "401 echoing the token", fails: times(1, Failure{Status: 401, Body: "Token " + h.Token + " is invalid"}),
			kind: e.Unauthorized, calls: 1},
		{name: "429 to the end", fails: times(9, Failure{Status: 429}), kind: e.RateLimited, retryable: true, calls: Retries + 1},
		{name: "429 once, then it goes", fails: times(1, Failure{Status: 429}), calls: 2, ok: true},
		{name: "an answer that is not the call's", fails: times(1, Failure{Status: 200, Body: "<html>" + h.Token + "</html>"}), calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := h.Serve(t)
			tt.fail(fake)
			err := h.file().Do(t.Context(), h.New(t, Options{APIURL: fake.URL}))
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, 1, fake.Sent())
				assert.GreaterOrEqual(t, len(fake.Calls()), tt.calls, "the failed call and its retry")
				return
			}
			require.Error(t, err)
			assert.Len(t, fake.Calls(), tt.calls)
			method, status, ok := h.Status(err)
			require.True(t, ok, "the provider's error: %v", err)
			assert.Equal(t, h.FileMethod, method)
			if tt.kind != nil {
				require.ErrorIs(t, err, tt.kind)
			} else {
				assert.Equal(t, http.StatusOK, status)
				assert.Contains(t, err.Error(), "unexpected response")
			}
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			assert.NotContains(t, err.Error(), h.Token)
			assert.Zero(t, fake.Sent())
		})
	}
}

// fileRefusals checks that a file the client cannot send fails before
// any request, as a validation error that wraps cardbot's sentinel, and
// that a bot refuses one over the client's cap before the client is
// called.
func fileRefusals[C Client](t *testing.T, h Harness[C]) {
	ok := cardbot.File{Name: "a.txt", Data: []byte("hello")}
	tests := append([]Refusal{
		{Name: "no data", File: cardbot.File{Name: "a.txt"}, Want: cardbot.ErrEmptyFile},
		{Name: "no name", File: cardbot.File{Data: []byte("x")}, Want: cardbot.ErrFileName},
		{Name: "a path", File: cardbot.File{Name: "dir/a.txt", Data: []byte("x")}, Want: cardbot.ErrFileName},
		{Name: "a Windows path", File: cardbot.File{Name: `..\a.txt`, Data: []byte("x")}, Want: cardbot.ErrFileName},
		{Name: "a bad content type", File: cardbot.File{Name: "a.txt", ContentType: "text/", Data: []byte("x")}, Want: cardbot.ErrContentType},
	}, h.Refusals...)
	t.Run("over Config.MaxFileSize", func(t *testing.T) {
		fake := h.Serve(t)
		err := h.SendFile(t.Context(), h.New(t, Options{APIURL: fake.URL, MaxFileSize: 4}), h.Chat, ok)
		require.ErrorIs(t, err, cardbot.ErrFileTooLarge)
		require.ErrorIs(t, err, h.Errors.Validation)
		assert.False(t, cardbot.IsRetryable(err))
		assert.Empty(t, fake.Calls(), "no request")
	})
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			fake := h.Serve(t)
			chat := tt.Chat
			if chat == "" {
				chat = h.Chat
			}
			err := h.SendFile(t.Context(), h.New(t, Options{APIURL: fake.URL}), chat, tt.File)
			require.ErrorIs(t, err, tt.Want)
			require.ErrorIs(t, err, h.Errors.Validation)
			assert.False(t, cardbot.IsRetryable(err))
			assert.Empty(t, fake.Calls(), "no request")
		})
	}
	t.Run("the bot refuses before the client", func(t *testing.T) {
		fake := h.Serve(t)
		c := h.New(t, Options{APIURL: fake.URL, MaxFileSize: 4})
		assert.EqualValues(t, 4, c.MaxFileSize())
		b := cardbot.New(cardbot.WithProviders(c))
		_, err := b.Send(t.Context(), c.Name(), h.Chat, ok)
		var tooLarge *cardbot.FileTooLargeError
		require.ErrorAs(t, err, &tooLarge)
		assert.Equal(t, cardbot.FileTooLargeError{Name: "a.txt", Size: 5, Limit: 4}, *tooLarge)
		assert.Empty(t, fake.Calls())
	})
}
