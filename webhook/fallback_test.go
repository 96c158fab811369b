package webhook_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/webhook"
)

// plainDispatcher is a Dispatcher that has no logger of its own.
type plainDispatcher struct{ calls int }

func (d *plainDispatcher) Dispatch(context.Context, cardbot.Provider, cardbot.Update) error {
	d.calls++
	return nil
}

// defaultLog makes slog's default logger a captured one for the test.
func defaultLog(t *testing.T) *captured {
	logs := &captured{}
	prev := slog.Default()
	slog.SetDefault(slog.New(logs))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return logs
}

// forged is a webhook with a wrong token from the peer remote.
func forged(remote string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body(upd("1", "c1", "hi"))))
	req.Header.Set("Authorization", "Bearer wrong")
	req.RemoteAddr = remote
	return req
}

// TestAuthFailureLogFallbacks: a failed authentication is logged to the
// Config's logger, else the Dispatcher's, else slog's default; a peer
// address without a port (a Unix socket's) is logged whole.
func TestAuthFailureLogFallbacks(t *testing.T) {
	t.Run("a dispatcher without a logger logs to slog's default", func(t *testing.T) {
		logs := defaultLog(t)
		d := &plainDispatcher{}
		h, err := webhook.NewHandler(d, &testSource{token: token}, webhook.Config{})
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, forged("198.51.100.7:4242"))
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
		assert.Zero(t, d.calls)
		lines := logs.authFailures()
		require.Len(t, lines, 1)
		assert.Equal(t, "198.51.100.7", lines[0]["remote"])
	})
	t.Run("a peer address without a port", func(t *testing.T) {
		logs := &captured{}
		h, err := webhook.NewHandler(&plainDispatcher{}, &testSource{token: token}, webhook.Config{Logger: slog.New(logs)})
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, forged("@"))
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
		lines := logs.authFailures()
		require.Len(t, lines, 1)
		assert.Equal(t, "@", lines[0]["remote"])
	})
}

// TestReadyHandlerLogsToTheDefault: without a logger, ReadyHandler says
// why it is not ready in slog's default log.
func TestReadyHandlerLogsToTheDefault(t *testing.T) {
	logs := defaultLog(t)
	rec := httptest.NewRecorder()
	webhook.ReadyHandler(readier{err: errors.New("queue: down")}, 0, nil).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	logs.mu.Lock()
	defer logs.mu.Unlock()
	require.Len(t, logs.lines, 1)
	assert.Equal(t, "webhook: not ready", logs.lines[0]["msg"])
	assert.ErrorContains(t, logs.lines[0]["error"].(error), "queue: down")
}

// TestServeOnAClosedListener: Serve fails, saying so, when its listener
// does not accept; only a Shutdown ends it with nil.
func TestServeOnAClosedListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, l.Close())
	s := webhook.NewServer(&plainDispatcher{}, webhook.ServerConfig{})
	err = s.Serve(l)
	require.ErrorIs(t, err, net.ErrClosed)
	assert.ErrorContains(t, err, "webhook: serve")
}

// TestListenAndServeEndsWithShutdown: ListenAndServe serves until
// Shutdown, and then returns nil.
func TestListenAndServeEndsWithShutdown(t *testing.T) {
	t.Parallel()
	s := webhook.NewServer(&plainDispatcher{}, webhook.ServerConfig{Addr: "127.0.0.1:0"})
	done := make(chan error, 1)
	go func() { done <- s.ListenAndServe() }()
	require.NoError(t, s.Shutdown(t.Context()))
	require.NoError(t, <-done)
}
