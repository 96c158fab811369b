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
	assert.Same(t, c, rec.Provider())
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

func TestPollerStopsOnUnauthorized(t *testing.T) {
	for _, mod := range []func(*greenapi.Config){
		func(c *greenapi.Config) { c.APITokenInstance = "wrong" },
		func(c *greenapi.Config) { c.IDInstance = "42" },
	} {
		srv := newServer(t)
		c := newClient(t, srv, mod)
		errc := make(chan error, 1)
		go func() { errc <- greenapi.NewPoller(c, &apitest.Recorder{}, fastPolling).Run(t.Context()) }()
		select {
		case err := <-errc:
			require.ErrorIs(t, err, greenapi.ErrUnauthorized)
			assert.Contains(t, err.Error(), "poller stopped")
		case <-time.After(3 * time.Second):
			t.Fatal("the poller did not stop on 401")
		}
		assert.Len(t, srv.Calls(), 1)
	}
}

func TestPollerStopsOn200WithCode401(t *testing.T) {
	srv := newServer(t)
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`})
	err := greenapi.NewPoller(newClient(t, srv), &apitest.Recorder{}, fastPolling).Run(t.Context())
	require.ErrorIs(t, err, greenapi.ErrUnauthorized)
}

func TestPollerEmptyQueue(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := greenapi.NewPoller(c, rec, fastPolling).Run(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, rec.Updates())
	assert.Empty(t, deletes(srv))
	assert.GreaterOrEqual(t, len(srv.Calls()), 2, "it keeps polling")
}

func TestPollerBacksOffOnErrors(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{}
	srv.FailNext(3, 500, 0)
	srv.Enqueue(fixture(t, "incoming_text.json"))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	assert.Len(t, rec.Updates(), 1)
	calls := srv.Calls()
	for i := 1; i < 3; i++ {
		assert.GreaterOrEqual(t, calls[i].Time.Sub(calls[i-1].Time), 2*time.Millisecond, "a wait between failed calls")
	}
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
