package aitu_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		fails      []aitutest.Failure
		plain      bool
		wantErr    error // nil: success
		wantCalls  int
		retryable  bool
		wantStatus int
		retrySends bool
	}{
		{name: "429 then success", fails: []aitutest.Failure{{Status: 429}}, wantCalls: 2},
		{name: "504 on a send not retried", fails: []aitutest.Failure{{Status: 504}},
			wantErr: aitu.ErrTransient, wantCalls: 1, retryable: true, wantStatus: 504},
		{name: "504 then success with RetrySends", fails: []aitutest.Failure{{Status: 504}}, wantCalls: 2, retrySends: true},
		{name: "500 and 502 then success with RetrySends", fails: []aitutest.Failure{{Status: 500}, {Status: 502}}, wantCalls: 3, retrySends: true},
		{name: "exhausted with RetrySends", fails: []aitutest.Failure{{Status: 503}, {Status: 503}, {Status: 503}, {Status: 503}},
			wantErr: aitu.ErrTransient, wantCalls: 4, retryable: true, wantStatus: 503, retrySends: true},
		{name: "429 asking too long fails at once", fails: []aitutest.Failure{{Status: 429, RetryAfter: time.Hour}},
			wantErr: aitu.ErrRateLimited, wantCalls: 1, retryable: true, wantStatus: 429},
		{name: "400 JSON not retried", fails: []aitutest.Failure{{Status: 400, Body: "content length should be <= 4096"}},
			wantErr: aitu.ErrValidation, wantCalls: 1, wantStatus: 400},
		{name: "400 plain not retried", fails: []aitutest.Failure{{Status: 400, Body: "Invalid JSON"}}, plain: true,
			wantErr: aitu.ErrValidation, wantCalls: 1, wantStatus: 400},
		{name: "401 fatal", fails: []aitutest.Failure{{Status: 401}}, wantErr: aitu.ErrUnauthorized, wantCalls: 1, wantStatus: 401},
		{name: "404 not retried", fails: []aitutest.Failure{{Status: 404}}, wantErr: aitu.ErrNotFound, wantCalls: 1, wantStatus: 404},
		{name: "501 not retried", fails: []aitutest.Failure{{Status: 501}}, wantCalls: 1, wantStatus: 501, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []aitutest.Option
			if tt.plain {
				opts = append(opts, aitutest.WithPlainTextErrors())
			}
			srv := newServer(t, opts...)
			c := newClient(t, srv, func(cfg *aitu.Config) { cfg.RetrySends = tt.retrySends })
			for _, f := range tt.fails {
				srv.FailNextWith(1, f)
			}
			_, err := c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: "hi"})
			assert.Len(t, srv.Calls(), tt.wantCalls)
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.Len(t, srv.SentMessages(), 1)
				return
			}
			require.Error(t, err)
			if tt.wantErr != errAny {
				require.ErrorIs(t, err, tt.wantErr)
			}
			var ae *aitu.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.wantStatus, ae.StatusCode)
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			if tt.fails[0].Body != "" {
				assert.Equal(t, tt.fails[0].Body, ae.Message, "the server's message, JSON or plain")
			}
		})
	}
}

// errAny stands for an error of no particular kind.
var errAny = errors.New("any")

func TestRetryAfterHonored(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, func(cfg *aitu.Config) { cfg.MaxBackoff = 3 * time.Second })
	srv.FailNext(1, http.StatusTooManyRequests, time.Second)
	start := time.Now()
	_, err := c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
}

func TestRetriesKeepTheLocalID(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, func(cfg *aitu.Config) { cfg.RetrySends = true })
	srv.FailNext(1, 500, 0)
	sent, err := c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	calls := srv.Calls()
	require.Len(t, calls, 2)
	assert.JSONEq(t, string(calls[0].Body), string(calls[1].Body))
	assert.Contains(t, string(calls[1].Body), sent.ID)
}

func TestNoRetriesWhenNegative(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, func(cfg *aitu.Config) { cfg.MaxRetries = -1 })
	srv.FailNext(1, 500, 0)
	_, err := c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: "hi"})
	require.ErrorIs(t, err, aitu.ErrTransient)
	assert.Len(t, srv.Calls(), 1)
}

func TestAPIErrorKinds(t *testing.T) {
	tests := []struct {
		status    int
		msg       string
		kind      error
		retryable bool
	}{
		{0, "connection refused", aitu.ErrTransient, true},
		{401, "Token is not specified", aitu.ErrUnauthorized, false},
		{403, "", aitu.ErrUnauthorized, false},
		{400, "Webhook is specified", aitu.ErrWebhookSpecified, false},
		{400, "Failed to read HTTP message", aitu.ErrValidation, false},
		{404, "Bot not found", aitu.ErrNotFound, false},
		{409, "Duplicate request not allowed in long polling", aitu.ErrConflict, true},
		{429, "", aitu.ErrRateLimited, true},
		{500, "System error", aitu.ErrTransient, true},
		{504, "Gateway timeout", aitu.ErrTransient, true},
		{501, "", nil, false},
	}
	for _, tt := range tests {
		e := &aitu.APIError{Method: "updates", StatusCode: tt.status, Message: tt.msg}
		assert.Equal(t, tt.kind, e.Kind(), "%d", tt.status)
		if tt.kind != nil {
			assert.ErrorIs(t, e, tt.kind)
		}
		assert.Equal(t, tt.retryable, e.Retryable(), "%d", tt.status)
		assert.Equal(t, tt.retryable, cardbot.IsRetryable(e), "%d", tt.status)
	}
}
