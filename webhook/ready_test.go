package webhook_test

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/webhook"
)

// readier answers Ready with err, after a wait.
type readier struct {
	err  error
	wait time.Duration
}

func (r readier) Ready(ctx context.Context) error {
	select {
	case <-time.After(r.wait):
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestReadyHandler(t *testing.T) {
	t.Parallel()
	full := &cardbot.NotReadyError{Checks: []cardbot.Check{
		{Component: "queue", Err: &delivery.PushError{Err: &fs.PathError{Op: "write", Path: "/data/bot.db", Err: syscall.ENOSPC}}},
		{Component: "greenapi 1101000001", Err: stateErr("notAuthorized")},
		{Component: "provider aitu"},
	}}
	tests := []struct {
		name    string
		r       webhook.Readier
		timeout time.Duration
		status  int
		body    string
		logged  string // the error in the log, "" for no line
	}{
		{"ready", readier{}, 0, http.StatusOK, `{"status":"ready"}`, ""},
		{"a store down", readier{err: errors.New("queue: dial tcp 10.0.0.5:6379: connection refused")}, 0,
			http.StatusServiceUnavailable, `{"status":"not ready","reason":"not ready"}`,
			"queue: dial tcp 10.0.0.5:6379: connection refused"},
		{"too slow to say", readier{wait: time.Second}, 20 * time.Millisecond, http.StatusServiceUnavailable,
			`{"status":"not ready","reason":"timeout"}`, "context deadline exceeded"},
		{"components named", readier{err: full}, 0, http.StatusServiceUnavailable,
			`{"status":"not ready","checks":{"queue":"push failed: no space left on device","greenapi 1101000001":"notAuthorized","provider aitu":"ok"}}`,
			"write /data/bot.db: no space left on device"},
		{"a bot shutting down", shutDown(t), 0, http.StatusServiceUnavailable,
			`{"status":"not ready","checks":{"bot":"shutting down"}}`, "cardbot: not ready: bot: cardbot: bot is shutting down"},
		{"a bot ready", cardbot.New(), 0, http.StatusOK, `{"status":"ready"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			rec := httptest.NewRecorder()
			webhook.ReadyHandler(tt.r, tt.timeout, slog.New(slog.NewTextHandler(&log, nil))).
				ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			assert.JSONEq(t, tt.body, rec.Body.String())
			if tt.logged == "" {
				assert.Empty(t, log.String())
				return
			}
			assert.Contains(t, log.String(), tt.logged)
			assert.NotContains(t, rec.Body.String(), "10.0.0.5", "addresses stay in the log")
			assert.NotContains(t, rec.Body.String(), "/data", "paths stay in the log")
		})
	}
}

// stateErr is an error that says its own reason.
type stateErr string

func (e stateErr) Error() string       { return "instance is " + string(e) }
func (e stateErr) ReadyReason() string { return string(e) }

// A bot lists every component it asked, ready ones as "ok".
func TestReadyHandlerBot(t *testing.T) {
	t.Parallel()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)), delivery.WithAsync(delivery.Config{}))
	t.Cleanup(func() { require.NoError(t, bot.Shutdown(context.Background())) })
	rec := httptest.NewRecorder()
	webhook.ReadyHandler(bot, 0, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"ready","checks":{"queue":"ok"}}`, rec.Body.String())
}

func shutDown(t *testing.T) *cardbot.Bot {
	bot := cardbot.New()
	require.NoError(t, bot.Shutdown(context.Background()))
	return bot
}

// The Server serves /readyz from the bot and /metrics from the handler it
// is given, each only when asked to.
func TestServerProbes(t *testing.T) {
	t.Parallel()
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("cardbot_up 1\n")) })
	get := func(srv *webhook.Server, path string) (int, string) {
		rec := httptest.NewRecorder()
		srv.Echo.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	quiet := slog.New(slog.DiscardHandler)

	bot := cardbot.New(cardbot.WithLogger(quiet))
	srv := webhook.NewServer(bot, webhook.ServerConfig{Metrics: metrics})
	code, body := get(srv, "/metrics")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "cardbot_up 1\n", body)
	code, _ = get(srv, "/healthz")
	assert.Equal(t, http.StatusOK, code)
	code, _ = get(srv, "/readyz")
	assert.Equal(t, http.StatusOK, code)
	require.NoError(t, bot.Shutdown(context.Background()))
	code, body = get(srv, "/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code, "a bot shutting down is not ready")
	assert.JSONEq(t, `{"status":"not ready","checks":{"bot":"shutting down"}}`, body)

	bare := webhook.NewServer(cardbot.New(cardbot.WithLogger(quiet)), webhook.ServerConfig{NoReadiness: true})
	code, _ = get(bare, "/readyz")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = get(bare, "/metrics")
	assert.Equal(t, http.StatusNotFound, code)
}
