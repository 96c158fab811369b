package aitu_test

import (
	"testing"

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
		{name: "504 then success with RetrySends", fails: []aitutest.Failure{{Status: 504}}, wantCalls: 2, retrySends: true},
		{name: "400 JSON not retried", fails: []aitutest.Failure{{Status: 400, Body: "content length should be <= 4096"}},
			wantErr: aitu.ErrValidation, wantCalls: 1, wantStatus: 400},
		{name: "400 plain not retried", fails: []aitutest.Failure{{Status: 400, Body: "Invalid JSON"}}, plain: true,
			wantErr: aitu.ErrValidation, wantCalls: 1, wantStatus: 400},
		{name: "404 not retried", fails: []aitutest.Failure{{Status: 404}}, wantErr: aitu.ErrNotFound, wantCalls: 1, wantStatus: 404},
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
			require.ErrorIs(t, err, tt.wantErr)
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
		{400, "Webhook is specified", aitu.ErrWebhookSpecified, false},
		{400, "Failed to read HTTP message", aitu.ErrValidation, false},
		{404, "Bot not found", aitu.ErrNotFound, false},
		{409, "Duplicate request not allowed in long polling", aitu.ErrConflict, true},
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
