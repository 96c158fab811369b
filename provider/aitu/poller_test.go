package aitu_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

var fastPolling = aitu.PollerConfig{MinBackoff: 2 * time.Millisecond, MaxBackoff: 10 * time.Millisecond, Interval: time.Millisecond}

// runPoller runs a poller until stop is called, which returns Run's error.
func runPoller(t *testing.T, p *aitu.Poller) (stop func() error) {
	t.Helper()
	return apitest.Run(t, p.Run)
}

// lastUpdateIDs returns the lastUpdateId of each poll.
func lastUpdateIDs(srv *aitutest.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		if c.HTTPMethod == "GET" && c.Path == "updates/" {
			out = append(out, c.Query.Get("lastUpdateId"))
		}
	}
	return out
}

func updateID(t *testing.T, u []byte) string {
	t.Helper()
	d, err := aitu.Details(&cardbot.Update{Raw: u})
	require.NoError(t, err)
	return d.UpdateID
}

func TestPollerAdvancesAfterHandled(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
	c := newClient(t, srv)
	u1 := srv.IncomingText(aitutest.Incoming{}, "one")
	u2 := srv.IncomingText(aitutest.Incoming{}, "two")
	srv.Enqueue(u1, u2)
	rec := &apitest.Recorder{}
	p := aitu.NewPoller(c, rec, fastPolling)
	stop := runPoller(t, p)
	require.Eventually(t, func() bool { return slices.Contains(lastUpdateIDs(srv), updateID(t, u2)) }, 5*time.Second, time.Millisecond)
	require.NoError(t, ignoreCanceled(stop()))
	assert.Zero(t, srv.Pending())

	got := rec.Updates()
	require.Len(t, got, 2)
	assert.Equal(t, "one", got[0].Message.Text)
	assert.Equal(t, "two", got[1].Message.Text)
	assert.Equal(t, updateID(t, u2), p.LastUpdateID())
	ids := lastUpdateIDs(srv)
	assert.Equal(t, "", ids[0], "the first poll has no lastUpdateId")
	assert.Contains(t, ids, updateID(t, u2), "later polls acknowledge the batch")
	assert.NotContains(t, ids, updateID(t, u1), "the id moves past the whole batch")
}

func TestPollerRetryableFailureRepolls(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
	c := newClient(t, srv)
	u1 := srv.IncomingText(aitutest.Incoming{}, "one")
	u2 := srv.IncomingText(aitutest.Incoming{}, "two")
	u3 := srv.IncomingText(aitutest.Incoming{}, "three")
	srv.Enqueue(u1, u2, u3)
	// "two" fails with a retryable error once, then a non-retryable one,
	// which counts as handled.
	rec := &apitest.Recorder{Errs: []error{nil, cardbot.Retryable(errors.New("db down")), errors.New("bad input")}}
	p := aitu.NewPoller(c, rec, fastPolling)
	stop := runPoller(t, p)
	require.Eventually(t, func() bool { return slices.Contains(lastUpdateIDs(srv), updateID(t, u3)) }, 5*time.Second, time.Millisecond)
	require.NoError(t, ignoreCanceled(stop()))

	var texts []string
	for _, u := range rec.Updates() {
		texts = append(texts, u.Message.Text)
	}
	assert.Equal(t, []string{"one", "two", "two", "three"}, texts, "the failed update came again, the handled one did not")
	ids := lastUpdateIDs(srv)
	require.GreaterOrEqual(t, len(ids), 2)
	assert.Equal(t, updateID(t, u1), ids[1], "the re-poll asks from the last update handled")
}

func TestPollerStops(t *testing.T) {
	tests := []struct {
		name    string
		fail    aitutest.Failure
		webhook bool
		want    error
	}{
		{name: "401", fail: aitutest.Failure{Status: 401}, want: aitu.ErrUnauthorized},
		{name: "401 banned", fail: aitutest.Failure{Status: 401, Body: "FORBIDDEN"}, want: aitu.ErrUnauthorized},
		{name: "400 webhook is specified", fail: aitutest.Failure{Status: 400, Body: aitutest.WebhookSpecified}, want: aitu.ErrWebhookSpecified},
		{name: "webhook set on the server", webhook: true, want: aitu.ErrWebhookSpecified},
		{name: "400 internal bot", fail: aitutest.Failure{Status: 400, Body: "Internal bot"}, want: aitu.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
			c := newClient(t, srv)
			// Transient failures first: the poller backs off and goes on.
			srv.FailNext(1, 500, 0)
			srv.FailNext(1, 409, 0)
			if tt.webhook {
				srv.SetWebhook("https://bot.example.com/webhook/aitu/secret")
			} else {
				srv.FailNextWith(1, tt.fail)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			err := aitu.NewPoller(c, &apitest.Recorder{}, fastPolling).Run(ctx)
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), "poller stopped")
			if tt.want == aitu.ErrWebhookSpecified {
				assert.ErrorIs(t, err, aitu.ErrValidation)
				assert.Contains(t, err.Error(), "Webhook is specified")
			}
			assert.Len(t, srv.Calls(), 3, "one poll at a time, no retries within a poll")
		})
	}
}

func TestPollerDeletesWebhookWhenAsked(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
	c := newClient(t, srv)
	srv.SetWebhook("https://bot.example.com/webhook/aitu/secret")
	srv.Enqueue(srv.IncomingText(aitutest.Incoming{}, "hi"))
	rec := &apitest.Recorder{}
	opts := fastPolling
	opts.DeleteWebhook = true
	stop := runPoller(t, aitu.NewPoller(c, rec, opts))
	require.Eventually(t, func() bool { return len(rec.Updates()) == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, ignoreCanceled(stop()))
	assert.Empty(t, srv.Webhook())
}

func TestPollerEmptyBatches(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{}
	stop := runPoller(t, aitu.NewPoller(c, rec, fastPolling))
	require.Eventually(t, func() bool { return len(lastUpdateIDs(srv)) >= 5 }, 5*time.Second, time.Millisecond)
	srv.Enqueue(srv.IncomingText(aitutest.Incoming{}, "late"))
	require.Eventually(t, func() bool { return len(rec.Updates()) == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, ignoreCanceled(stop()))
	for _, id := range lastUpdateIDs(srv)[:5] {
		assert.Empty(t, id, "empty batches move nothing")
	}
}

func TestPollerMalformedBodyBacksOff(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(time.Millisecond))
	c := newClient(t, srv)
	// A 200 that is not an update batch cannot be played by FailNext; a
	// batch with a non-object element can.
	srv.Enqueue([]byte(`"not an object"`))
	rec := &apitest.Recorder{}
	stop := runPoller(t, aitu.NewPoller(c, rec, fastPolling))
	// Waited for, not counted in a fixed time: a loaded machine polls
	// slowly, and a poller that stopped never gets there.
	require.Eventually(t, func() bool { return len(lastUpdateIDs(srv)) > 2 }, 5*time.Second, time.Millisecond, "it kept polling")
	require.ErrorIs(t, stop(), context.Canceled, "it ran until stopped")
	assert.Empty(t, rec.Updates())
}

func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// TestPollerDeletesWebhookOnlyForThatFailure: with DeleteWebhook, a fatal
// failure other than ErrWebhookSpecified still stops the poller, and no
// webhook is deleted.
func TestPollerDeletesWebhookOnlyForThatFailure(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
	c := newClient(t, srv)
	srv.FailNextWith(1, aitutest.Failure{Status: 401})
	opts := fastPolling
	opts.DeleteWebhook = true
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err := aitu.NewPoller(c, &apitest.Recorder{}, opts).Run(ctx)
	require.ErrorIs(t, err, aitu.ErrUnauthorized)
	assert.Equal(t, []string{"GET updates/"}, paths(srv))
}

// TestPollerDefaultInterval: with Interval zero, the poller pauses a
// second after a poll that brought nothing (negative: not at all). Both
// wait for polls rather than count them in a fixed time, which a loaded
// machine can make too short: with zero, no second poll comes within
// 300 ms of the first (a check that can only pass falsely); negative makes
// six polls well within the five seconds six would take with the pause.
func TestPollerDefaultInterval(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		check    func(t *testing.T, polls func() int)
	}{
		{"zero: 1 s", 0, func(t *testing.T, polls func() int) {
			require.Eventually(t, func() bool { return polls() >= 1 }, 5*time.Second, time.Millisecond, "the first poll")
			assert.Never(t, func() bool { return polls() > 1 }, 300*time.Millisecond, 5*time.Millisecond, "a second poll within 300 ms of the first")
		}},
		{"negative: none", -1, func(t *testing.T, polls func() int) {
			require.Eventually(t, func() bool { return polls() > 5 }, 4*time.Second, time.Millisecond,
				"six polls, which a pause of a second after each would take five seconds for")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, aitutest.WithMaxPollWait(time.Millisecond))
			c := newClient(t, srv)
			opts := fastPolling
			opts.Interval = tt.interval
			stop := runPoller(t, aitu.NewPoller(c, &apitest.Recorder{}, opts))
			tt.check(t, func() int { return len(lastUpdateIDs(srv)) })
			require.ErrorIs(t, stop(), context.Canceled)
		})
	}
}
