package cardbot_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
)

// gaugeRecorder is a GaugeReader that keeps the reader it is handed.
type gaugeRecorder struct {
	cardbottest.Observations
	read func() cardbot.Gauges
}

func (g *gaugeRecorder) ReadGauges(read func() cardbot.Gauges) { g.read = read }

// The queue's depth is read when asked, not when a worker last took an
// update: it falls to 0 as soon as the updates are done.
func TestGaugesAreLive(t *testing.T) {
	obs := &gaugeRecorder{}
	st := cardbot.InstanceStatus{Provider: "greenapi", Instance: "1101000001", State: "authorized", Ready: true}
	b := newBot(cardbot.WithObserver(obs), delivery.WithAsync(delivery.Config{Concurrency: 1}),
		cardbot.WithProviders(instanceProvider{newFake("greenapi"), st}, newFake("other")))
	t.Cleanup(func() { require.NoError(t, b.Shutdown(context.Background())) })
	require.NotNil(t, obs.read, "New hands the reader over")
	assert.Equal(t, cardbot.Gauges{Async: true, Instances: []cardbot.InstanceStatus{st}}, obs.read())

	release := make(chan struct{})
	started := make(chan struct{}, 3)
	b.Handle(cardbot.OnAny, func(*cardbot.Context) error { started <- struct{}{}; <-release; return nil })
	p := newFake("fake")
	for i, chat := range []string{"a", "b", "c"} {
		require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate(chat, "x"), chat+string(rune('0'+i)))))
	}
	<-started
	require.Eventually(t, func() bool { return obs.read().QueueDepth == 3 }, 5*time.Second, time.Millisecond,
		"one running, two waiting for the worker")
	close(release)
	require.Eventually(t, func() bool { return obs.read().QueueDepth == 0 }, 5*time.Second, time.Millisecond,
		"done: the depth falls without another update taken")
}

func TestGaugesSync(t *testing.T) {
	b := newBot()
	assert.Equal(t, cardbot.Gauges{}, b.Gauges())
}
