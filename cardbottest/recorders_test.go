package cardbottest_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
)

// TestErrors: the error handler keeps every error the bot reports, in
// order, and hands out copies.
func TestErrors(t *testing.T) {
	var errs cardbottest.Errors
	assert.Empty(t, errs.Get())
	b := cardbottest.NewBot(cardbot.WithErrorHandler(errs.Handle))
	bad := errors.New("bad input")
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { return bad })
	p := cardbottest.NewProvider("p")
	for range 2 {
		_, err := cardbottest.Dispatch(t.Context(), b, p, cardbottest.Text("hi"))
		require.ErrorIs(t, err, bad)
	}
	got := errs.Get()
	require.Len(t, got, 2)
	assert.ErrorIs(t, got[0], bad)
	got[0] = nil
	assert.NotNil(t, errs.Get()[0], "Get hands out a copy")
}

// TestObservations: the observer keeps what it is told, and Of picks one
// kind with the durations zeroed; concurrent observations are all kept.
func TestObservations(t *testing.T) {
	var obs cardbottest.Observations
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			obs.Observe(cardbot.Observation{Kind: cardbot.ObsHandled, Provider: "p", Duration: time.Second, Lag: time.Minute})
		})
	}
	wg.Wait()
	obs.Observe(cardbot.Observation{Kind: cardbot.ObsSent, Provider: "p"})
	handled := obs.Of(cardbot.ObsHandled)
	require.Len(t, handled, 8)
	assert.Equal(t, cardbot.Observation{Kind: cardbot.ObsHandled, Provider: "p"}, handled[0])
	assert.Len(t, obs.Of(cardbot.ObsSent), 1)
	assert.Empty(t, obs.Of(cardbot.ObsQueued))
}
