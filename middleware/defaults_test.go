package middleware_test

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/middleware"
)

// TestLoggerWithoutBot: a Context of a handler run directly in a test
// logs to its bot's logger, here slog's default one.
func TestLoggerWithoutBot(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	c := cardbottest.NewContext(t, nopProvider(), *update("chat1", "s", "x"), cardbot.WithLogger(slog.Default()))
	err := middleware.Logger()(func(*cardbot.Context) error { return nil })(c)
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "msg=update")
	assert.Contains(t, buf.String(), "chat=chat1")
}

// TestRateLimitDefaults: a zero Limit and Burst are the defaults, a burst
// of 5 per chat.
func TestRateLimitDefaults(t *testing.T) {
	mw := middleware.RateLimitWithConfig(middleware.RateLimitConfig{})
	var errs []error
	for range 6 {
		_, err := run(t, mw, update("a", "s", "x"), nil)
		errs = append(errs, err)
	}
	for i, err := range errs[:5] {
		assert.NoError(t, err, "update %d of the burst", i)
	}
	assert.ErrorIs(t, errs[5], middleware.ErrRateLimited)
	_, err := run(t, mw, update("b", "s", "x"), nil)
	assert.NoError(t, err, "another chat has a burst of its own")
}

// TestSenderKeyLimitsOnlyMessagesWithASender: SenderKey leaves status
// updates and messages without a sender unlimited.
func TestSenderKeyLimitsOnlyMessagesWithASender(t *testing.T) {
	tests := []struct {
		name string
		u    *cardbot.Update
	}{
		{"status", &cardbot.Update{Provider: "fake", Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "a"}, Sender: cardbot.User{ID: "s"}}},
		{"no sender", update("a", "", "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Empty(t, middleware.SenderKey(ctxFor(t, tt.u)))
			mw := middleware.RateLimitWithConfig(middleware.RateLimitConfig{Limit: rate.Every(time.Hour), Burst: 1, KeyFunc: middleware.SenderKey})
			for range 3 {
				ran, err := run(t, mw, tt.u, nil)
				require.NoError(t, err)
				require.True(t, ran)
			}
		})
	}
}

// TestRateLimitCountsEdits: edits, reactions and the like are what a user
// did too; a flood of them is limited like one of messages.
func TestRateLimitCountsEdits(t *testing.T) {
	mw := middleware.RateLimit(rate.Every(time.Hour), 1)
	msg := func(k cardbot.UpdateKind) *cardbot.Update {
		return &cardbot.Update{Provider: "fake", Kind: k, Chat: cardbot.Chat{ID: "a"}, Sender: cardbot.User{ID: "s"},
			Message: &cardbot.Message{Text: "x"}}
	}
	_, err := run(t, mw, msg(cardbot.KindMessage), nil)
	require.NoError(t, err)
	for _, k := range []cardbot.UpdateKind{cardbot.KindEdit, cardbot.KindDeletion, cardbot.KindReaction, cardbot.KindPollVote} {
		_, err = run(t, mw, msg(k), nil)
		assert.ErrorIs(t, err, middleware.ErrRateLimited, k.String())
	}
}

// TestTimeoutWithConfigDefaultSkipper: a config without a Skipper times
// every update out.
func TestTimeoutWithConfigDefaultSkipper(t *testing.T) {
	mw := middleware.TimeoutWithConfig(middleware.TimeoutConfig{Timeout: time.Hour})
	_, err := run(t, mw, update("a", "s", "x"), func(c *cardbot.Context) error {
		deadline, ok := c.Context().Deadline()
		assert.True(t, ok, "no deadline")
		assert.WithinDuration(t, time.Now().Add(time.Hour), deadline, time.Minute)
		return nil
	})
	require.NoError(t, err)
}

// TestLoggerBelowTheLoggersLevel: a successful update logged at a level
// the logger does not enable is not logged; a failed one is, as an error.
func TestLoggerBelowTheLoggersLevel(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	mw := middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: l, Level: slog.LevelDebug})
	_, err := run(t, mw, update("a", "s", "x"), nil)
	require.NoError(t, err)
	assert.Empty(t, buf.String())
	_, err = run(t, mw, update("a", "s", "x"), func(*cardbot.Context) error { return assert.AnError })
	require.ErrorIs(t, err, assert.AnError)
	assert.Contains(t, buf.String(), "level=ERROR")
}
