package greenapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

var hello = cardbot.Text{Body: "hello"}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name      string
		opts      []greenapitest.Option
		setup     func(*greenapitest.Server)
		mod       func(*greenapi.Config)
		kind      error
		retryable bool
		status    int
		code      int
		message   string
		calls     int
	}{
		{name: "401 wrong token", mod: func(c *greenapi.Config) { c.APITokenInstance = "wrong-token" },
			kind: greenapi.ErrUnauthorized, status: 401, message: "Unauthorized", calls: 1},
		{name: "403 wrong instance", mod: func(c *greenapi.Config) { c.IDInstance = "999" },
			kind: greenapi.ErrUnauthorized, status: 403, message: "Forbidden", calls: 1},
		{name: "200 with code 401", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`})
		}, kind: greenapi.ErrUnauthorized, status: 200, code: 401, message: "Unauthorized", calls: 1},
		{name: "400 JSON body", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"message": "Validation failed. Details: 'idMessage' is required"}`})
		}, kind: greenapi.ErrValidation, status: 400, message: "Validation failed. Details: 'idMessage' is required", calls: 1},
		{name: "400 plain-text body", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 400, Body: "instance account not authorized\n"})
		}, kind: greenapi.ErrValidation, status: 400, message: "instance account not authorized", calls: 1},
		{name: "400 from the server's own validation, JSON",
			mod:  func(c *greenapi.Config) { c.MaxTextLength = 30000 },
			kind: greenapi.ErrValidation, status: 400,
			message: "Validation failed. Details: 'message' length must be less than or equal to 20000 characters long", calls: 1},
		{name: "400 from the server's own validation, plain text",
			opts: []greenapitest.Option{greenapitest.WithPlainTextErrors()},
			mod:  func(c *greenapi.Config) { c.MaxTextLength = 30000 },
			kind: greenapi.ErrValidation, status: 400,
			message: "Validation failed. Details: 'message' length must be less than or equal to 20000 characters long", calls: 1},
		{name: "466 quota", setup: func(s *greenapitest.Server) { s.FailNext(1, 466, 0) },
			kind: greenapi.ErrQuota, status: 466,
			message: "Monthly quota has been exceeded. You can only send or receive messages from these numbers: 79001234567@c.us", calls: 1},
		{name: "499 on a send not retried", setup: func(s *greenapitest.Server) { s.FailNext(10, 499, 0) },
			kind: greenapi.ErrTransient, retryable: true, status: 499, message: "Client Closed Request", calls: 1},
		{name: "499 retried with RetrySends", setup: func(s *greenapitest.Server) { s.FailNext(10, 499, 0) },
			mod:  func(c *greenapi.Config) { c.RetrySends = true },
			kind: greenapi.ErrTransient, retryable: true, status: 499, message: "Client Closed Request", calls: 4},
		{name: "502 with MaxRetries 1 and RetrySends", setup: func(s *greenapitest.Server) { s.FailNext(10, 502, 0) },
			mod:  func(c *greenapi.Config) { c.MaxRetries, c.RetrySends = 1, true },
			kind: greenapi.ErrTransient, retryable: true, status: 502, message: "Bad Gateway", calls: 2},
		{name: "503 with retries off", setup: func(s *greenapitest.Server) { s.FailNext(10, 503, 0) },
			mod:  func(c *greenapi.Config) { c.MaxRetries = -1 },
			kind: greenapi.ErrTransient, retryable: true, status: 503, message: "Service Unavailable", calls: 1},
		{name: "404 not retried", setup: func(s *greenapitest.Server) { s.FailNext(10, 404, 0) },
			status: 404, message: "Not Found", calls: 1},
		{name: "400 JSON with an error only", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"error":"Bad Request","path":"/sendMessage"}`})
		}, kind: greenapi.ErrValidation, status: 400, message: "Bad Request", calls: 1},
		{name: "400 JSON that says nothing: the body", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"code":"x","path":"/sendMessage"}`})
		}, kind: greenapi.ErrValidation, status: 400, message: `{"code":"x","path":"/sendMessage"}`, calls: 1},
		{name: "466 exceeded quota without a description: its status", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 466, Body: `{"invokeStatus":{"method":"sendmessage","used":3,"total":3,"status":"QUOTE_EXCEEDED"}}`})
		}, kind: greenapi.ErrQuota, status: 466, message: "QUOTE_EXCEEDED", calls: 1},
		{name: "466 with no quota exceeded: the first status", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 466, Body: `{"invokeStatus":{"status":"QUOTE_ALLOWED"},"correspondentsStatus":{"status":"CORRESPONDENTS_QUOTE_ALLOWED"}}`})
		}, kind: greenapi.ErrQuota, status: 466, message: "QUOTE_ALLOWED", calls: 1},
		{name: "200 with a broken body that names a code is no 401", setup: func(s *greenapitest.Server) {
			s.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,`})
		}, status: 200, message: `unexpected response: {"code":401,`, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.opts...)
			if tt.setup != nil {
				tt.setup(srv)
			}
			var mods []func(*greenapi.Config)
			if tt.mod != nil {
				mods = append(mods, tt.mod)
			}
			c := newClient(t, srv, mods...)
			body := hello
			if tt.mod != nil && strings.Contains(tt.name, "own validation") {
				body = cardbot.Text{Body: strings.Repeat("a", 20001)}
			}
			_, err := c.Send(t.Context(), "79001234567@c.us", body)
			require.Error(t, err)
			var ae *greenapi.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "sendMessage", ae.Method)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.kind, ae.Kind())
			if tt.kind != nil {
				assert.ErrorIs(t, err, tt.kind)
			}
			for _, other := range []error{greenapi.ErrUnauthorized, greenapi.ErrValidation, greenapi.ErrRateLimited, greenapi.ErrQuota, greenapi.ErrTransient} {
				if other != tt.kind {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.Equal(t, tt.retryable, ae.Retryable())
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			assert.Len(t, srv.Calls(), tt.calls)
			assert.Empty(t, srv.SentMessages())
		})
	}
}

func TestQuotaBodyParsed(t *testing.T) {
	srv := newServer(t)
	srv.FailNext(1, 466, 0)
	_, err := newClient(t, srv).Send(t.Context(), "79001234567@c.us", hello)
	var ae *greenapi.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, []greenapi.QuotaStatus{
		{Method: "sendmessage", Used: 67, Total: 0, Status: "QUOTE_ALLOWED"},
		{Method: "correspondents", Used: 3, Total: 3, Status: "CORRESPONDENTS_QUOTE_EXCEEDED",
			Description: "Monthly quota has been exceeded. You can only send or receive messages from these numbers: 79001234567@c.us"},
	}, ae.Quota)
	assert.Equal(t, "greenapi: sendMessage: 466 Quota Exceeded: Monthly quota has been exceeded. You can only send or receive messages from these numbers: 79001234567@c.us", err.Error())
}

func TestRetryThenSuccess(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		fails      int
		retrySends bool
	}{
		{"500 then success, RetrySends", 500, 2, true},
		{"503 then success, RetrySends", 503, 1, true},
		{"499 then success, RetrySends", 499, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			srv.FailNext(tt.fails, tt.status, 0)
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.RetrySends = tt.retrySends })
			sent, err := c.Send(t.Context(), "79001234567@c.us", hello)
			require.NoError(t, err)
			calls := srv.Calls()
			require.Len(t, calls, tt.fails+1)
			for _, c := range calls[:tt.fails] {
				assert.Equal(t, tt.status, c.Status)
			}
			assert.Equal(t, http.StatusOK, calls[tt.fails].Status)
			// The retried request carries the same body.
			assert.JSONEq(t, string(calls[0].Body), string(calls[tt.fails].Body))
			got := srv.SentMessages()
			require.Len(t, got, 1)
			assert.Equal(t, got[0].ID, sent.ID)
		})
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	srv := newServer(t)
	srv.FailNext(10, 503, 0)
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.MinBackoff = 10 * time.Second
		cfg.MaxBackoff = 10 * time.Second
		cfg.RetrySends = true
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Send(ctx, "79001234567@c.us", hello)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second, "the backoff ends with the context")
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, greenapi.ErrTransient, "the last attempt's error is kept")
	assert.True(t, cardbot.IsRetryable(err))
	assert.Len(t, srv.Calls(), 1)
}

func TestContextDoneBeforeSend(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := newClient(t, srv).Send(ctx, "79001234567@c.us", hello)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, srv.SentMessages())
}

func TestTimeout(t *testing.T) {
	srv := newServer(t)
	srv.SetDelay(5 * time.Second)
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond}
		cfg.MaxRetries = 1
	})
	start := time.Now()
	_, err := c.Send(t.Context(), "79001234567@c.us", hello)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second)
	var ae *greenapi.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 0, ae.StatusCode)
	assert.ErrorIs(t, err, greenapi.ErrTransient)
	assert.True(t, cardbot.IsRetryable(err))
	assert.Contains(t, ae.Message, "Client.Timeout")
	srv.SetDelay(0)
}

func TestNetworkError(t *testing.T) {
	srv := greenapitest.NewServer()
	cfg := srv.Config()
	srv.Close()
	cfg.MaxRetries = 2
	cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, time.Millisecond
	c, err := greenapi.New(cfg)
	require.NoError(t, err)
	_, err = c.Send(t.Context(), "79001234567@c.us", hello)
	require.Error(t, err)
	assert.ErrorIs(t, err, greenapi.ErrTransient)
	assert.True(t, cardbot.IsRetryable(err))
	assert.NotContains(t, err.Error(), "waInstance", "the URL is not in the error")
	assert.Contains(t, err.Error(), "connect")
}

func TestErrorKindsWithoutServer(t *testing.T) {
	// The mapping of statuses to kinds, for statuses the fake is not told
	// to answer above.
	tests := []struct {
		err  *greenapi.APIError
		kind error
	}{
		{&greenapi.APIError{StatusCode: 403}, greenapi.ErrUnauthorized},
		{&greenapi.APIError{StatusCode: 200, Code: 403}, greenapi.ErrUnauthorized},
		{&greenapi.APIError{StatusCode: 504}, greenapi.ErrTransient},
		{&greenapi.APIError{StatusCode: 0, Err: errors.New("reset")}, greenapi.ErrTransient},
		{&greenapi.APIError{StatusCode: 409}, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.kind, tt.err.Kind(), "%d", tt.err.StatusCode)
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		err  *greenapi.APIError
		want string
	}{
		{&greenapi.APIError{Method: "sendMessage", StatusCode: 429, Message: "Too Many Requests", RetryAfter: 2 * time.Second},
			"greenapi: sendMessage: 429 Too Many Requests (retry after 2s)"},
		{&greenapi.APIError{Method: "sendContact", StatusCode: 200, Code: 401, Message: "Unauthorized"},
			"greenapi: sendContact: 200 OK (code 401): Unauthorized"},
		{&greenapi.APIError{Method: "sendMessage", StatusCode: 400, Message: "bad request data"},
			"greenapi: sendMessage: 400 Bad Request: bad request data"},
		{&greenapi.APIError{Method: "download", Message: "dial tcp 127.0.0.1:1: connect: connection refused"},
			"greenapi: download: request failed: dial tcp 127.0.0.1:1: connect: connection refused"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
	}
}

func TestLongErrorBodyShortened(t *testing.T) {
	srv := newServer(t)
	srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: strings.Repeat("ошибка ", 200)})
	_, err := newClient(t, srv).Send(t.Context(), "79001234567@c.us", hello)
	var ae *greenapi.APIError
	require.ErrorAs(t, err, &ae)
	assert.LessOrEqual(t, len(ae.Message), 512+len("…"))
	assert.True(t, strings.HasSuffix(ae.Message, "…"))
	assert.True(t, utf8.ValidString(ae.Message))
}

func TestSendToLID(t *testing.T) {
	srv := newServer(t)
	_, err := newClient(t, srv).Send(t.Context(), "123456789012345@lid", hello)
	require.NoError(t, err)
	assert.Equal(t, "123456789012345@lid", srv.SentMessages()[0].ChatID)
}
