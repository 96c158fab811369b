package prom_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/prom"
)

// The queue's depth is the bot's at the scrape: it goes up while updates
// wait and back to 0 once they are done, with no update taken after.
func TestQueueDepthIsLive(t *testing.T) {
	obs, err := prom.New(prom.Config{})
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithLogger(quiet()), cardbot.WithObserver(obs), delivery.WithAsync(delivery.Config{Concurrency: 1}))
	t.Cleanup(func() { require.NoError(t, bot.Shutdown(context.Background())) })
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	bot.Handle(cardbot.OnAny, func(*cardbot.Context) error { started <- struct{}{}; <-release; return nil })
	p := cardbottest.NewInstance("fake", cardbot.InstanceStatus{})
	for _, chat := range []string{"a", "b"} {
		require.NoError(t, bot.Dispatch(t.Context(), p, cardbot.Update{Kind: cardbot.KindMessage, Key: chat,
			Chat: cardbot.Chat{ID: chat}, Message: &cardbot.Message{Text: "x"}}))
	}
	<-started
	require.Eventually(t, func() bool { return scrape(t, obs.Handler())["cardbot_queue_depth"] == 2 }, 5*time.Second, time.Millisecond)
	close(release)
	<-started
	require.Eventually(t, func() bool { return scrape(t, obs.Handler())["cardbot_queue_depth"] == 0 }, 5*time.Second, time.Millisecond,
		"the depth falls to 0 when the updates are done")
}

// Each instance has its readiness, its state and its quota as gauges,
// read at the scrape.
func TestInstanceGauges(t *testing.T) {
	obs, err := prom.New(prom.Config{})
	require.NoError(t, err)
	wa := cardbottest.NewInstance("greenapi", cardbot.InstanceStatus{Provider: "greenapi", Instance: "1101000001", Ready: true})
	mx := cardbottest.NewInstance("max", cardbot.InstanceStatus{Provider: "max", Instance: "3100000000", State: "authorized",
		QuotaExceeded: true, Reason: "quotaExceeded"})
	bot := cardbot.New(cardbot.WithLogger(quiet()), cardbot.WithObserver(obs), cardbot.WithProviders(wa, mx))
	t.Cleanup(func() { require.NoError(t, bot.Shutdown(context.Background())) })

	got := scrape(t, obs.Handler())
	for series, want := range map[string]float64{
		`cardbot_instance_ready{provider="greenapi"}`:                 1,
		`cardbot_instance_state{provider="greenapi",state="unknown"}`: 1,
		`cardbot_instance_quota_exceeded{provider="greenapi"}`:        0,
		`cardbot_instance_ready{provider="max"}`:                      0,
		`cardbot_instance_state{provider="max",state="authorized"}`:   1,
		`cardbot_instance_quota_exceeded{provider="max"}`:             1,
	} {
		v, ok := got[series]
		assert.True(t, ok, "%s missing in %v", series, got)
		assert.Equal(t, want, v, "%s", series)
	}

	assertNoSecrets(t, got, "1101000001", "3100000000") // part of the API's URL paths

	wa.SetInstanceStatus(cardbot.InstanceStatus{Provider: "greenapi", Instance: "1101000001", State: "notAuthorized", Reason: "notAuthorized"})
	got = scrape(t, obs.Handler())
	assert.Equal(t, 0.0, got[`cardbot_instance_ready{provider="greenapi"}`])
	assert.Equal(t, 1.0, got[`cardbot_instance_state{provider="greenapi",state="notAuthorized"}`])
	assert.NotContains(t, got, `cardbot_instance_state{provider="greenapi",state="unknown"}`,
		"one series per instance: the state it is in")
}
