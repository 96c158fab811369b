package greenapi_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

var fastPolling = greenapi.PollerOptions{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}

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
	srv.Enqueue(fixture(t, "incoming_text.json"))
	srv.Enqueue(fixture(t, "incoming_contact.json"))
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
	rec := &apitest.Recorder{Errs: []error{cardbot.Retryable(errors.New("database down")), cardbot.ErrQueueFull}}
	srv.Enqueue(fixture(t, "incoming_text.json"))
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
	srv.Enqueue(fixture(t, "incoming_text.json"))
	srv.Enqueue(fixture(t, "incoming_text_quoted.json"))
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
	srv.Enqueue(fixture(t, "unknown_type.json"))
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
