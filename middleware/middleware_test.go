package middleware_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/middleware"
)

// nopProvider returns a provider whose sends succeed.
func nopProvider() *cardbottest.Provider { return cardbottest.NewProvider("fake") }

func update(chat, sender, text string) *cardbot.Update {
	return &cardbot.Update{
		Provider: "fake",
		Kind:     cardbot.KindMessage,
		Chat:     cardbot.Chat{ID: chat},
		Sender:   cardbot.User{ID: sender, Phone: strings.TrimSuffix(sender, "@c.us")},
		Message:  &cardbot.Message{ID: "m1", Type: "textMessage", Text: text},
	}
}

func ctxFor(t *testing.T, u *cardbot.Update) *cardbot.Context {
	return cardbottest.NewContext(t, nopProvider(), *u)
}

// run calls h wrapped in mw with a Context for u and reports whether h ran.
func run(t *testing.T, mw cardbot.MiddlewareFunc, u *cardbot.Update, h cardbot.HandlerFunc) (ran bool, err error) {
	err = mw(func(c *cardbot.Context) error {
		ran = true
		if h != nil {
			return h(c)
		}
		return nil
	})(ctxFor(t, u))
	return ran, err
}

func skipAll(*cardbot.Context) bool { return true }

func TestRecover(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		value any
		is    error
	}{
		{"string", "oops", nil},
		{"error", boom, boom},
		{"int", 42, nil},
		{"struct", struct{ A int }{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, middleware.Recover(), update("c", "s", "x"), func(*cardbot.Context) error { panic(tt.value) })
			var pe *cardbot.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.value, pe.Value)
			assert.Contains(t, string(pe.Stack), "middleware_test.go")
			assert.LessOrEqual(t, len(pe.Stack), 4<<10)
			assert.False(t, cardbot.IsRetryable(err))
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
	t.Run("no panic", func(t *testing.T) {
		ran, err := run(t, middleware.Recover(), update("c", "s", "x"), nil)
		assert.True(t, ran)
		assert.NoError(t, err)
	})
	t.Run("stack size", func(t *testing.T) {
		mw := middleware.RecoverWithConfig(middleware.RecoverConfig{StackSize: 100})
		_, err := run(t, mw, update("c", "s", "x"), func(*cardbot.Context) error { panic("x") })
		var pe *cardbot.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Len(t, pe.Stack, 100)
	})
	t.Run("skipper", func(t *testing.T) {
		mw := middleware.RecoverWithConfig(middleware.RecoverConfig{Skipper: skipAll})
		assert.Panics(t, func() {
			_, _ = run(t, mw, update("c", "s", "x"), func(*cardbot.Context) error { panic("x") })
		})
	})
}

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mw := middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: l})

	_, err := run(t, mw, update("chat1", "s", "x"), nil)
	require.NoError(t, err)
	line := buf.String()
	assert.Equal(t, 1, strings.Count(line, "\n"))
	for _, want := range []string{"level=INFO", "msg=update", "provider=fake", "chat=chat1", "kind=message", "type=textMessage", "duration="} {
		assert.Contains(t, line, want)
	}
	assert.NotContains(t, line, "error=")

	buf.Reset()
	status := &cardbot.Update{Provider: "fake", Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "c"}, Status: &cardbot.Status{Name: "read"}}
	_, err = run(t, mw, status, func(*cardbot.Context) error { return errors.New("bad") })
	require.Error(t, err)
	line = buf.String()
	for _, want := range []string{"level=ERROR", "kind=status", "status=read", "error=bad"} {
		assert.Contains(t, line, want)
	}

	t.Run("skipper", func(t *testing.T) {
		buf.Reset()
		mw := middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: l, Skipper: skipAll})
		ran, _ := run(t, mw, update("c", "s", "x"), nil)
		assert.True(t, ran)
		assert.Empty(t, buf.String())
	})
	t.Run("bot logger by default", func(t *testing.T) {
		buf.Reset()
		b := cardbot.New(cardbot.WithLogger(l))
		b.Use(middleware.Logger())
		require.NoError(t, b.Dispatch(t.Context(), nopProvider(), *update("c", "s", "x")))
		assert.Contains(t, buf.String(), "msg=update")
	})
}

func TestAccess(t *testing.T) {
	custom := errors.New("denied")
	tests := []struct {
		name    string
		mw      cardbot.MiddlewareFunc
		update  *cardbot.Update
		ran     bool
		wantErr error
	}{
		{"allow listed chat", middleware.Allow("c1", "c2"), update("c2", "s", "x"), true, nil},
		{"allow drops other chat", middleware.Allow("c1"), update("c3", "s", "x"), false, nil},
		{"allow nothing listed", middleware.Allow(), update("c1", "s", "x"), false, nil},
		{"deny listed chat", middleware.Deny("c1"), update("c1", "s", "x"), false, nil},
		{"deny passes other chat", middleware.Deny("c1"), update("c2", "s", "x"), true, nil},
		{"allow sender by id", middleware.AllowSenders("79001234567@c.us"), update("g", "79001234567@c.us", "x"), true, nil},
		{"allow sender by phone", middleware.AllowSenders("79001234567"), update("g", "79001234567@c.us", "x"), true, nil},
		{"allow sender drops other", middleware.AllowSenders("79001234567"), update("g", "79007654321@c.us", "x"), false, nil},
		{"deny sender", middleware.DenySenders("79001234567"), update("g", "79001234567@c.us", "x"), false, nil},
		{"empty ids never match", middleware.Allow(""), update("", "", "x"), false, nil},
		{"chat or sender", middleware.AccessWithConfig(middleware.AccessConfig{Chats: []string{"c1"}, Senders: []string{"s1"}}), update("c2", "s1", "x"), true, nil},
		{"deny handler", middleware.AccessWithConfig(middleware.AccessConfig{Deny: true, Chats: []string{"c1"},
			DenyHandler: func(*cardbot.Context) error { return custom }}), update("c1", "s", "x"), false, custom},
		{"skipper", middleware.AccessWithConfig(middleware.AccessConfig{Skipper: skipAll}), update("c1", "s", "x"), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran, err := run(t, tt.mw, tt.update, nil)
			assert.Equal(t, tt.ran, ran)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Run("per chat", func(t *testing.T) {
		mw := middleware.RateLimit(rate.Every(time.Hour), 2)
		var errs []error
		for _, chat := range []string{"a", "a", "b", "a", "b", "b"} {
			_, err := run(t, mw, update(chat, "s", "x"), nil)
			errs = append(errs, err)
		}
		assert.NoError(t, errs[0])
		assert.NoError(t, errs[1])
		assert.NoError(t, errs[2])
		assert.ErrorIs(t, errs[3], middleware.ErrRateLimited)
		assert.False(t, cardbot.IsRetryable(errs[3]))
		assert.NoError(t, errs[4])
		assert.ErrorIs(t, errs[5], middleware.ErrRateLimited)
	})
	t.Run("per sender", func(t *testing.T) {
		mw := middleware.RateLimitWithConfig(middleware.RateLimitConfig{Limit: rate.Every(time.Hour), Burst: 1, KeyFunc: middleware.SenderKey})
		_, err := run(t, mw, update("a", "s1", "x"), nil)
		require.NoError(t, err)
		_, err = run(t, mw, update("b", "s1", "x"), nil)
		require.ErrorIs(t, err, middleware.ErrRateLimited)
		_, err = run(t, mw, update("a", "s2", "x"), nil)
		require.NoError(t, err)
	})
	t.Run("status updates are not limited", func(t *testing.T) {
		mw := middleware.RateLimit(rate.Every(time.Hour), 1)
		for range 3 {
			ran, err := run(t, mw, &cardbot.Update{Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "a"}}, nil)
			require.NoError(t, err)
			require.True(t, ran)
		}
	})
	t.Run("bounded keys", func(t *testing.T) {
		mw := middleware.RateLimitWithConfig(middleware.RateLimitConfig{Limit: rate.Every(time.Hour), Burst: 1, MaxKeys: 1})
		_, err := run(t, mw, update("a", "s", "x"), nil)
		require.NoError(t, err)
		_, err = run(t, mw, update("b", "s", "x"), nil) // evicts a
		require.NoError(t, err)
		_, err = run(t, mw, update("a", "s", "x"), nil) // a fresh limiter
		require.NoError(t, err)
	})
	t.Run("deny handler and skipper", func(t *testing.T) {
		var keys []string
		mw := middleware.RateLimitWithConfig(middleware.RateLimitConfig{Limit: rate.Every(time.Hour), Burst: 1,
			DenyHandler: func(_ *cardbot.Context, key string) error { keys = append(keys, key); return nil }})
		for range 2 {
			_, err := run(t, mw, update("a", "s", "x"), nil)
			require.NoError(t, err)
		}
		assert.Equal(t, []string{"fake\x00a"}, keys)
		skip := middleware.RateLimitWithConfig(middleware.RateLimitConfig{Limit: rate.Every(time.Hour), Burst: 1, Skipper: skipAll})
		for range 3 {
			ran, err := run(t, skip, update("a", "s", "x"), nil)
			require.NoError(t, err)
			require.True(t, ran)
		}
	})
	t.Run("negative config panics", func(t *testing.T) {
		assert.Panics(t, func() { middleware.RateLimit(-1, 1) })
	})
}

func TestTimeout(t *testing.T) {
	t.Run("deadline set and restored", func(t *testing.T) {
		u := update("a", "s", "x")
		c := ctxFor(t, u)
		parent := c.Context()
		var inner context.Context
		err := middleware.Timeout(10 * time.Millisecond)(func(c *cardbot.Context) error {
			inner = c.Context()
			<-c.Context().Done()
			return c.Context().Err()
		})(c)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.True(t, cardbot.IsRetryable(err))
		_, ok := inner.Deadline()
		assert.True(t, ok)
		assert.Equal(t, parent, c.Context(), "restored")
	})
	t.Run("skipper", func(t *testing.T) {
		mw := middleware.TimeoutWithConfig(middleware.TimeoutConfig{Skipper: skipAll, Timeout: time.Millisecond})
		_, err := run(t, mw, update("a", "s", "x"), func(c *cardbot.Context) error {
			_, ok := c.Context().Deadline()
			assert.False(t, ok)
			return nil
		})
		require.NoError(t, err)
	})
	t.Run("zero panics", func(t *testing.T) {
		assert.PanicsWithValue(t, "middleware: Timeout needs a positive duration", func() { middleware.Timeout(0) })
	})
}

func TestMiddlewaresInABot(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, nil))
	var reported []error
	b := cardbot.New(cardbot.WithLogger(l), cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { reported = append(reported, err) }))
	b.Use(middleware.Logger(), middleware.Recover(), middleware.Timeout(time.Second))
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { panic("in handler") })
	err := b.Dispatch(t.Context(), nopProvider(), *update("a", "s", "x"))
	var pe *cardbot.PanicError
	require.ErrorAs(t, err, &pe)
	require.Len(t, reported, 1)
	assert.Contains(t, buf.String(), "panic: in handler", "the Logger saw the recovered panic")
}
