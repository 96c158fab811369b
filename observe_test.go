package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
)

// statusErr is a provider error with an HTTP status.
type statusErr struct{ status int }

func (e statusErr) Error() string   { return fmt.Sprintf("status %d", e.status) }
func (e statusErr) HTTPStatus() int { return e.status }

func TestObserverSync(t *testing.T) {
	rec := &cardbottest.Observations{}
	p := newFake("fake")
	bot := newBot(cardbot.WithObserver(rec), cardbot.WithErrorHandler(func(*cardbot.Context, error) {}))
	bot.Handle(cardbot.Command("start"), func(c *cardbot.Context) error { return c.Send("hi") })
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		switch c.Text() {
		case "panic":
			panic("boom")
		case "slow":
			ctx, cancel := context.WithTimeout(c.Context(), time.Nanosecond)
			defer cancel()
			<-ctx.Done()
			return ctx.Err()
		case "retry":
			return cardbot.Retryable(errors.New("later"))
		}
		return c.Send(c.Text())
	})
	ctx := context.Background()
	require.NoError(t, bot.Dispatch(ctx, p, keyed(textUpdate("c1", "hello"), "k1")))
	require.NoError(t, bot.Dispatch(ctx, p, keyed(textUpdate("c1", "hello"), "k1")), "a duplicate")
	require.NoError(t, bot.Dispatch(ctx, p, textUpdate("c1", "/start")))
	require.Error(t, bot.Dispatch(ctx, p, textUpdate("c1", "panic")))
	require.Error(t, bot.Dispatch(ctx, p, textUpdate("c1", "slow")))
	require.Error(t, bot.Dispatch(ctx, p, textUpdate("c1", "retry")))
	p.FailSends(statusErr{429})
	require.Error(t, bot.Dispatch(ctx, p, textUpdate("c1", "limited")))
	require.NoError(t, bot.Dispatch(ctx, p, cardbot.Update{Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "c1"}}), "no route")

	msg := cardbot.KindMessage
	assert.Len(t, rec.Of(cardbot.ObsReceived), 8)
	assert.Equal(t, []cardbot.Observation{{Kind: cardbot.ObsDeduplicated, Provider: "fake", UpdateKind: msg}}, rec.Of(cardbot.ObsDeduplicated))
	handled := func(route, outcome string) cardbot.Observation {
		return cardbot.Observation{Kind: cardbot.ObsHandled, Provider: "fake", UpdateKind: msg, Route: route, Outcome: outcome}
	}
	none := handled("", cardbot.OutcomeOK)
	none.UpdateKind = cardbot.KindStatus
	assert.Equal(t, []cardbot.Observation{
		handled("OnText", cardbot.OutcomeOK),
		handled("/start", cardbot.OutcomeOK),
		handled("OnText", cardbot.OutcomePanic),
		handled("OnText", cardbot.OutcomeTimeout),
		handled("OnText", cardbot.OutcomeRetryable),
		handled("OnText", cardbot.OutcomeError),
		none,
	}, rec.Of(cardbot.ObsHandled))
	sent := func(outcome string, status int) cardbot.Observation {
		return cardbot.Observation{Kind: cardbot.ObsSent, Provider: "fake", Method: "text", Outcome: outcome, HTTPStatus: status}
	}
	assert.Equal(t, []cardbot.Observation{sent(cardbot.OutcomeOK, 0), sent(cardbot.OutcomeOK, 0), sent(cardbot.OutcomeError, 429)},
		rec.Of(cardbot.ObsSent))
	assert.Empty(t, rec.Of(cardbot.ObsQueued), "sync delivery queues nothing")
}

func TestObserverAsync(t *testing.T) {
	rec := &cardbottest.Observations{}
	p := newFake("fake")
	bot := newBot(cardbot.WithObserver(rec), cardbot.WithErrorHandler(func(*cardbot.Context, error) {}),
		delivery.WithAsync(delivery.Config{MaxAttempts: 2, MinRetryWait: time.Millisecond, MaxRetryWait: time.Millisecond}))
	t.Cleanup(func() { require.NoError(t, bot.Shutdown(context.Background())) })
	done := make(chan string, 4)
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		done <- c.Text()
		if c.Text() == "fail" {
			return cardbot.Retryable(errors.New("later"))
		}
		return nil
	})
	ctx := context.Background()
	require.NoError(t, bot.Dispatch(ctx, p, keyed(textUpdate("c1", "one"), "k1")))
	require.NoError(t, bot.Dispatch(ctx, p, keyed(textUpdate("c1", "one"), "k1")), "a duplicate the queue drops")
	require.NoError(t, bot.Dispatch(ctx, p, keyed(textUpdate("c2", "fail"), "k2")))
	for range 3 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("not handled")
		}
	}
	require.Eventually(t, func() bool { return len(rec.Of(cardbot.ObsDeadLettered)) == 1 }, 5*time.Second, time.Millisecond)

	msg := cardbot.KindMessage
	assert.Len(t, rec.Of(cardbot.ObsQueued), 2)
	assert.Equal(t, []cardbot.Observation{{Kind: cardbot.ObsDeduplicated, Provider: "fake", UpdateKind: msg}}, rec.Of(cardbot.ObsDeduplicated))
	assert.Equal(t, []cardbot.Observation{{Kind: cardbot.ObsDeadLettered, Provider: "fake", UpdateKind: msg}}, rec.Of(cardbot.ObsDeadLettered))
	depth := rec.Of(cardbot.ObsQueueDepth)
	require.Len(t, depth, 2, "one per update taken, not per attempt")
	for _, d := range depth {
		assert.GreaterOrEqual(t, d.Depth, 1)
	}
	assert.Len(t, rec.Of(cardbot.ObsHandled), 3)
}

func TestObservationKindString(t *testing.T) {
	seen := map[string]bool{}
	for k := cardbot.ObsReceived; k <= cardbot.ObsPushFailed; k++ {
		s := k.String()
		assert.NotEqual(t, "unknown", s, "%d", k)
		assert.False(t, seen[s], "%q twice", s)
		seen[s] = true
	}
	assert.Equal(t, "unknown", cardbot.ObservationKind(0).String())
}
