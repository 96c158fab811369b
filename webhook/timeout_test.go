package webhook_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/webhook"
)

// TestSyncTimeout: a sync handling that outlasts Config.Timeout answers
// 503 in time: the handler's context ends, and its sends with it.
func TestSyncTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 100 * time.Millisecond
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	var deadline bool
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		_, deadline = c.Context().Deadline()
		<-c.Context().Done() // a send to a hanging API
		return c.Context().Err()
	})
	e := echo.New()
	_, err := webhook.Mount(e, "/hook", bot, &testSource{}, webhook.Config{Timeout: timeout, Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true})
	require.NoError(t, err)
	begin := time.Now()
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body(upd("1", "c1", "hi"))))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.True(t, deadline, "the handler's context has the route's deadline")
	assert.Less(t, time.Since(begin), 10*timeout, "answered at the timeout")
}

// TestServerTimeoutBelowWriteTimeout: a Server's route answers 503 before
// its WriteTimeout, so the provider reads the answer. The handling's
// deadline is a tenth of the WriteTimeout before it: 300 ms here, which a
// loaded machine still meets (50 ms, with a WriteTimeout of 500 ms, it
// did not always).
func TestServerTimeoutBelowWriteTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		select {
		case <-release:
		case <-c.Context().Done():
		}
		return c.Context().Err()
	})
	s := webhook.NewServer(bot, webhook.ServerConfig{
		WriteTimeout: 3 * time.Second,
		Config:       webhook.Config{Timeout: time.Hour, Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true},
	})
	require.NoError(t, s.Handle("/hook", &testSource{}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = s.Serve(l) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_ = s.Shutdown(ctx)
	}()
	resp, err := http.Post("http://"+l.Addr().String()+"/hook", "application/json", strings.NewReader(body(upd("1", "c1", "hi"))))
	require.NoError(t, err, "an answer, not a closed connection")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

// TestServerShutdownAlwaysStopsTheBot: when requests in flight outlast the
// shutdown's context, the bot is shut down all the same.
func TestServerShutdownAlwaysStopsTheBot(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{})
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnText, func(*cardbot.Context) error {
		close(started)
		<-release
		return nil
	})
	s := webhook.NewServer(bot, webhook.ServerConfig{Config: webhook.Config{Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true}})
	require.NoError(t, s.Handle("/hook", &testSource{}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	go func() {
		resp, err := http.Post("http://"+l.Addr().String()+"/hook", "application/json", strings.NewReader(body(upd("1", "c1", "hi"))))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err = s.Shutdown(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "draining the bot", "the bot was asked to shut down too")
	assert.ErrorIs(t, bot.Dispatch(t.Context(), &testSource{}, cardbot.Update{}), cardbot.ErrShuttingDown)
	close(release)
	require.NoError(t, <-served)
}
