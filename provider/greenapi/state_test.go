package greenapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// notReady returns the reason Ping gives, "" when it returns nil.
func notReady(t *testing.T, c *greenapi.Client) string {
	t.Helper()
	err := c.Ping(context.Background())
	if err == nil {
		return ""
	}
	require.ErrorIs(t, err, greenapi.ErrInstanceNotReady)
	var se *greenapi.InstanceStateError
	require.ErrorAs(t, err, &se)
	return se.ReadyReason()
}

func TestGetStateInstance(t *testing.T) {
	states := []string{greenapi.StateAuthorized, greenapi.StateNotAuthorized, greenapi.StateBlocked, greenapi.StateSleepMode,
		greenapi.StateStarting, greenapi.StateYellowCard, greenapi.StateSuspended, greenapi.StatePendingPassword}
	for _, onMAX := range []bool{false, true} {
		for _, state := range states {
			t.Run(state, func(t *testing.T) {
				var opts []greenapitest.Option
				if onMAX {
					opts = append(opts, greenapitest.WithMAX())
				}
				srv := newServer(t, opts...)
				c := newClient(t, srv)
				assert.Empty(t, notReady(t, c), "an unknown state counts as ready")
				srv.SetState(state)
				got, err := c.GetStateInstance(t.Context())
				require.NoError(t, err)
				assert.Equal(t, state, got)
				st := c.InstanceStatus()
				assert.Equal(t, srv.IDInstance, st.Instance)
				assert.Equal(t, c.Name(), st.Provider)
				assert.Equal(t, state, st.State)
				if state == greenapi.StateAuthorized {
					assert.Empty(t, notReady(t, c))
					assert.True(t, st.Ready)
					return
				}
				assert.Equal(t, state, notReady(t, c))
				assert.False(t, st.Ready)
				assert.Equal(t, state, st.Reason)
				assert.Contains(t, c.Ping(t.Context()).Error(), srv.IDInstance, "the error names the instance")
			})
		}
	}
}

// The stateInstanceChanged and quotaExceeded notifications change what
// the client knows, as they are decoded; those of another instance do
// not.
func TestStateFromNotifications(t *testing.T) {
	srv := newServer(t)
	other := newServer(t, greenapitest.WithCredentials("1101000002", "x"))
	c := newClient(t, srv)
	decode := func(body []byte) {
		t.Helper()
		u, err := c.DecodeWebhook(body)
		require.NoError(t, err)
		require.Len(t, u, 1)
	}

	decode(srv.SetState(greenapi.StateNotAuthorized))
	assert.Equal(t, greenapi.StateNotAuthorized, notReady(t, c))
	_, err := c.DecodeWebhook(other.StateInstanceChanged(greenapi.StateAuthorized))
	require.ErrorIs(t, err, greenapi.ErrWrongInstance)
	assert.Equal(t, greenapi.StateNotAuthorized, notReady(t, c), "another instance's notification changes nothing")
	decode(srv.SetState(greenapi.StateAuthorized))
	assert.Empty(t, notReady(t, c))

	decode(srv.QuotaExceeded())
	assert.Equal(t, "quotaExceeded", notReady(t, c))
	assert.True(t, c.InstanceStatus().QuotaExceeded)
	_, err = c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	assert.Empty(t, notReady(t, c), "a send that succeeds shows the instance can send")

	srv.FailNext(1, 466, 0)
	_, err = c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: "hi"})
	require.ErrorIs(t, err, greenapi.ErrQuota)
	assert.Equal(t, "quotaExceeded", notReady(t, c), "a 466 spends the quota too")
}

// A state that cannot be read makes the instance not ready until a read
// succeeds; the token stays out of the error.
func TestGetStateInstanceFails(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.MaxRetries = -1 })
	srv.FailNext(1, http.StatusUnauthorized, 0)
	_, err := c.GetStateInstance(t.Context())
	require.ErrorIs(t, err, greenapi.ErrUnauthorized)
	assert.Equal(t, "getStateInstance failed: 401", notReady(t, c))
	assert.NotContains(t, c.Ping(t.Context()).Error(), srv.Token)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.GetStateInstance(ctx)
	require.Error(t, err)
	assert.Equal(t, "getStateInstance failed: 401", notReady(t, c), "a read its caller gave up changes nothing")
	srv.FailNext(1, http.StatusTooManyRequests, 0)
	_, err = c.GetStateInstance(t.Context())
	require.ErrorIs(t, err, greenapi.ErrRateLimited)
	assert.Equal(t, "getStateInstance failed: 401", notReady(t, c), "a read refused by the rate limit changes nothing")

	_, err = c.GetStateInstance(t.Context())
	require.NoError(t, err)
	assert.Empty(t, notReady(t, c))
}

// WatchState reads the state at once and at its interval, without any
// notification; Close stops it (goleak checks).
func TestWatchState(t *testing.T) {
	t.Parallel() // a fake of its own; waits out the state interval
	srv := newServer(t)
	srv.SetState(greenapi.StateStarting)
	c := newClient(t, srv)
	started := time.Now()
	w := c.WatchState(greenapi.MinStateInterval)
	defer w.Close()
	require.Eventually(t, func() bool { return notReady(t, c) == greenapi.StateStarting }, 5*time.Second, 5*time.Millisecond,
		"read at once")
	srv.SetState(greenapi.StateAuthorized) // no notification pushed
	require.Eventually(t, func() bool { return notReady(t, c) == "" }, 5*time.Second, 10*time.Millisecond,
		"read again within the interval")
	require.NoError(t, w.Close())
	elapsed := time.Since(started)
	require.NoError(t, w.Close(), "a second Close does nothing")
	n := strings.Count(strings.Join(methods(srv), " "), "getStateInstance")
	assert.GreaterOrEqual(t, n, 2)
	assert.LessOrEqual(t, n, 1+int(elapsed/greenapi.MinStateInterval), "once at the start, then once a second at most")
}

// A bot's readiness and gauges report the instance by its id.
func TestStateInBotReady(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	bot := cardbot.New(cardbot.WithProviders(c))
	t.Cleanup(func() { require.NoError(t, bot.Shutdown(context.Background())) })
	require.NoError(t, bot.Ready(t.Context()))
	_, err := c.DecodeWebhook(srv.SetState(greenapi.StateBlocked))
	require.NoError(t, err)
	err = bot.Ready(t.Context())
	var nre *cardbot.NotReadyError
	require.ErrorAs(t, err, &nre)
	require.Len(t, nre.Failed(), 1)
	assert.Equal(t, "greenapi "+srv.IDInstance, nre.Failed()[0].Component)
	assert.Equal(t, greenapi.StateBlocked, nre.Failed()[0].Reason())
	assert.Equal(t, []cardbot.InstanceStatus{{Provider: "greenapi", Instance: srv.IDInstance, State: greenapi.StateBlocked,
		Reason: greenapi.StateBlocked}}, bot.Gauges().Instances)
}
