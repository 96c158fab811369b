package greenapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/store"
)

var fastPolling = greenapi.PollerConfig{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}

// runPoller runs a poller until stop is called, which returns Run's error.
func runPoller(t *testing.T, c *greenapi.Client, d cardbot.Dispatcher) (stop func() error) {
	t.Helper()
	return apitest.Run(t, greenapi.NewPoller(c, d, fastPolling).Run)
}

func deletes(srv *greenapitest.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		if c.Method == "deleteNotification" {
			out = append(out, c.Arg)
		}
	}
	return out
}

func TestPollerDeletesAfterHandled(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{}
	srv.Enqueue(ownFixture(t, srv, "incoming_text.json"))
	srv.Enqueue(ownFixture(t, srv, "incoming_contact.json"))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)

	got := rec.Updates()
	require.Len(t, got, 2)
	assert.Equal(t, "textMessage", got[0].Message.Type)
	assert.Equal(t, "contactMessage", got[1].Message.Type)
	assert.Equal(t, []string{"1", "2"}, deletes(srv))
	for _, call := range srv.Calls() {
		if call.Method == "receiveNotification" {
			assert.Equal(t, "5", call.Query.Get("receiveTimeout"))
		}
	}
}

func TestPollerKeepsNotificationAfterRetryableFailure(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{Errs: []error{cardbot.Retryable(errors.New("database down")), store.ErrQueueFull}}
	srv.Enqueue(ownFixture(t, srv, "incoming_text.json"))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)

	got := rec.Updates()
	require.Len(t, got, 3, "delivered again until handled")
	for _, u := range got {
		assert.Equal(t, got[0].Key, u.Key)
	}
	assert.Equal(t, []string{"1"}, deletes(srv), "deleted once, after the success")
	receives := 0
	for _, m := range methods(srv) {
		if m == "deleteNotification" {
			break
		}
		receives++
	}
	assert.GreaterOrEqual(t, receives, 3, "nothing deleted before the handler succeeded: %v", methods(srv))
}

func TestPollerDeletesAfterPermanentFailure(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{Errs: []error{errors.New("bad input"), &cardbot.PanicError{Value: "boom"}}}
	srv.Enqueue(ownFixture(t, srv, "incoming_text.json"))
	srv.Enqueue(ownFixture(t, srv, "incoming_text_quoted.json"))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	assert.Len(t, rec.Updates(), 2)
	assert.Equal(t, []string{"1", "2"}, deletes(srv))
}

func TestPollerDropsMalformed(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{}
	srv.Enqueue([]byte(`{"typeWebhook":"incomingMessageReceived"}`))
	srv.Enqueue(ownFixture(t, srv, "unknown_type.json"))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	got := rec.Updates()
	require.Len(t, got, 1, "the malformed one is deleted without a dispatch")
	assert.Equal(t, cardbot.KindOther, got[0].Kind)
	assert.Equal(t, []string{"1", "2"}, deletes(srv))
}

func TestPollerStopsOn200WithCode401(t *testing.T) {
	srv := newServer(t)
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`})
	err := greenapi.NewPoller(newClient(t, srv), &apitest.Recorder{}, fastPolling).Run(t.Context())
	require.ErrorIs(t, err, greenapi.ErrUnauthorized)
}

func TestPollerFeedsBot(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	b := cardbot.New()
	b.Handle(cardbot.OnText, func(ctx *cardbot.Context) error { return ctx.Reply("echo: " + ctx.Text()) })
	body := srv.IncomingText(greenapitest.Incoming{ChatID: "79001234568@c.us", IDMessage: "IN1"}, "ping")
	srv.Enqueue(body)
	srv.Enqueue(body) // a duplicate delivery: handled once
	stop := runPoller(t, c, b)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	sent := srv.SentMessages()
	require.Len(t, sent, 1)
	assert.Equal(t, greenapitest.SentMessage{Method: "sendMessage", ID: sent[0].ID, ChatID: "79001234568@c.us",
		Text: "echo: ping", QuotedMessageID: "IN1"}, sent[0])
}

// TestPollerReceiveTimeout: ReceiveTimeout is sent in whole seconds, held
// to the API's range of 5 to 60.
func TestPollerReceiveTimeout(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		want    string
	}{
		{"zero: 5 s", 0, "5"},
		{"under 5 s", 1500 * time.Millisecond, "5"},
		{"in range", 20 * time.Second, "20"},
		{"over 60 s", 90 * time.Second, "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, greenapitest.WithMaxReceiveWait(time.Millisecond))
			opts := fastPolling
			opts.ReceiveTimeout = tt.timeout
			stop := apitest.Run(t, greenapi.NewPoller(newClient(t, srv), &apitest.Recorder{}, opts).Run)
			require.Eventually(t, func() bool { return len(srv.Calls()) > 0 }, 3*time.Second, time.Millisecond)
			require.ErrorIs(t, stop(), context.Canceled)
			for _, call := range srv.Calls() {
				assert.Equal(t, tt.want, call.Query.Get("receiveTimeout"))
			}
		})
	}
}

// TestPollerOutwaitsAShortHTTPTimeout: the poller's HTTP client waits the
// receive timeout plus 15 s, even when Config.HTTPClient's timeout is
// shorter, so that a receive the API holds open does not fail.
func TestPollerOutwaitsAShortHTTPTimeout(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(300*time.Millisecond))
	var logs apitest.SyncBuffer
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	stop := apitest.Run(t, greenapi.NewPoller(c, &apitest.Recorder{}, fastPolling).Run)
	// A second receive shows the first one ended, held open its 300 ms:
	// waited for, as a loaded machine may not get there in a fixed time.
	require.Eventually(t, func() bool { return len(srv.Calls()) >= 2 }, 10*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	assert.NotContains(t, logs.String(), "polling failed")
}

// TestPollerUnexpectedReceiveAnswer: an answer to receiveNotification
// that is no notification is a failure the poller logs and backs off
// from, deleting nothing, and it goes on to the next notification.
func TestPollerUnexpectedReceiveAnswer(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	var logs apitest.SyncBuffer
	c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"receiptId":0,"body":{}}`})
	srv.Enqueue(ownFixture(t, srv, "incoming_text.json"))
	rec := &apitest.Recorder{}
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	assert.Len(t, rec.Updates(), 1)
	assert.Equal(t, []string{"1"}, deletes(srv))
	assert.Contains(t, logs.String(), "greenapi: polling failed")
	assert.Contains(t, logs.String(), "unexpected response")
}
