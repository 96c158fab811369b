package webhook_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/webhook"
)

// runServer returns a server whose bot runs handle for every text, with
// the route /hook, and a loopback listener for it.
func runServer(t *testing.T, drain time.Duration, handle cardbot.HandlerFunc) (*webhook.Server, net.Listener) {
	t.Helper()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnText, handle)
	s := webhook.NewServer(bot, webhook.ServerConfig{DrainTimeout: drain,
		Config: webhook.Config{Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true}})
	require.NoError(t, s.Handle("/hook", &testSource{}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return s, l
}

// postAsync sends one text update to the server at addr and returns its status
// (0 when the request failed) on the channel.
func postAsync(addr string) <-chan int {
	status := make(chan int, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/hook", "application/json", strings.NewReader(body(upd("1", "c1", "hi"))))
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	return status
}

// waitRun returns what Run sent on done, failing the test when it takes
// more than a few seconds.
func waitRun(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// TestRunServesUntilContextEnds: Run serves until its context ends, then
// returns nil and the address no longer accepts connections.
func TestRunServesUntilContextEnds(t *testing.T) {
	t.Parallel()
	s, l := runServer(t, 0, func(*cardbot.Context) error { return nil })
	addr := l.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.RunListener(ctx, l) }()

	assert.Equal(t, http.StatusOK, <-postAsync(addr))
	resp, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	require.NoError(t, waitRun(t, done))
	_, err = net.Dial("tcp", addr)
	assert.Error(t, err, "the listener is closed")
}

// TestRunDrainsRequestsInFlight: when the context ends, a request in
// flight runs to the end and is answered; Run returns after it, with nil.
// The OnShutdown functions run first, while the server still answers.
func TestRunDrainsRequestsInFlight(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	s, l := runServer(t, 0, func(*cardbot.Context) error {
		close(started)
		<-release
		return nil
	})
	addr := l.Addr().String()
	var healthz int
	s.OnShutdown(func(context.Context) error {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			healthz = resp.StatusCode
			resp.Body.Close()
		}
		return nil
	})
	drained := make(chan struct{})
	s.OnShutdown(func(context.Context) error { close(drained); return nil })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.RunListener(ctx, l) }()

	status := postAsync(addr)
	<-started
	cancel()
	<-drained
	select {
	case err := <-done:
		t.Fatalf("Run returned while a request was in flight: %v", err)
	default:
	}
	close(release)
	assert.Equal(t, http.StatusOK, <-status, "the request in flight is answered")
	require.NoError(t, waitRun(t, done))
	assert.Equal(t, http.StatusOK, healthz, "OnShutdown runs while the server answers")
}

// TestRunGivesUpAfterTheBound: a request that outlasts DrainTimeout ends
// the drain with an error that says so; the bot is stopped all the same.
func TestRunGivesUpAfterTheBound(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	s, l := runServer(t, 20*time.Millisecond, func(*cardbot.Context) error {
		close(started)
		<-release
		return nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.RunListener(ctx, l) }()

	status := postAsync(l.Addr().String())
	<-started
	cancel()
	err := waitRun(t, done)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "the drain did not end within 20ms")
	close(release)
	<-status
}

// errListener is a listener whose Accept fails.
type errListener struct {
	net.Listener
	err error
}

func (l errListener) Accept() (net.Conn, error) { return nil, l.err }

// TestRunReturnsServeErrors: a listener that fails, a bot that does not
// start or an address that cannot be listened on end Run at once, with
// the error, while its context is still alive.
func TestRunReturnsServeErrors(t *testing.T) {
	t.Parallel()
	errAccept := errors.New("accept failed")
	t.Run("listener fails", func(t *testing.T) {
		s, l := runServer(t, 0, func(*cardbot.Context) error { return nil })
		defer l.Close()
		err := s.RunListener(t.Context(), errListener{l, errAccept})
		assert.ErrorIs(t, err, errAccept)
		assert.ErrorContains(t, err, "webhook: serve")
	})

	t.Run("bot does not start", func(t *testing.T) {
		bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)), delivery.WithAsync(delivery.Config{}))
		require.NoError(t, bot.Shutdown(t.Context()))
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		err = webhook.NewServer(bot, webhook.ServerConfig{}).RunListener(t.Context(), l)
		assert.ErrorIs(t, err, cardbot.ErrShuttingDown)
	})

	t.Run("address in use", func(t *testing.T) {
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer taken.Close()
		s := webhook.NewServer(cardbot.New(), webhook.ServerConfig{Addr: taken.Addr().String()})
		err = s.Run(t.Context())
		assert.ErrorContains(t, err, "webhook: listen")
	})
}

// TestRunReturnsOnShutdownErrors: an OnShutdown function's error is Run's.
func TestRunReturnsOnShutdownErrors(t *testing.T) {
	t.Parallel()
	errHook := errors.New("hook failed")
	s, l := runServer(t, 0, func(*cardbot.Context) error { return nil })
	s.OnShutdown(func(context.Context) error { return errHook })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, s.RunListener(ctx, l), errHook)
}
