package webhook_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
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
	tests := []struct {
		name    string
		r       webhook.Readier
		timeout time.Duration
		status  int
		logged  string // the reason in the log, "" for no line
	}{
		{"ready", readier{}, 0, http.StatusOK, ""},
		{"a store down", readier{err: errors.New("queue: dial tcp 10.0.0.5:6379: connection refused")}, 0,
			http.StatusServiceUnavailable, "queue: dial tcp 10.0.0.5:6379: connection refused"},
		{"too slow to say", readier{wait: time.Second}, 20 * time.Millisecond, http.StatusServiceUnavailable,
			"context deadline exceeded"},
		{"a bot shutting down", shutDown(t), 0, http.StatusServiceUnavailable,
			"cardbot: not ready: cardbot: bot is shutting down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			rec := httptest.NewRecorder()
			webhook.ReadyHandler(tt.r, tt.timeout, slog.New(slog.NewTextHandler(&log, nil))).
				ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			if tt.logged == "" {
				assert.JSONEq(t, `{"status":"ready"}`, rec.Body.String())
				assert.Empty(t, log.String())
				return
			}
			assert.JSONEq(t, `{"status":"not ready"}`, rec.Body.String(), "the reason stays in the log")
			assert.Contains(t, log.String(), tt.logged)
		})
	}
}

func shutDown(t *testing.T) *cardbot.Bot {
	bot := cardbot.New()
	require.NoError(t, bot.Shutdown(context.Background()))
	return bot
}

// The Server serves /readyz from the bot and /metrics from the handler it
// is given, each only when asked to.
func TestServerProbes(t *testing.T) {
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
	assert.JSONEq(t, `{"status":"not ready"}`, body)

	bare := webhook.NewServer(cardbot.New(cardbot.WithLogger(quiet)), webhook.ServerConfig{NoReadiness: true})
	code, _ = get(bare, "/readyz")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = get(bare, "/metrics")
	assert.Equal(t, http.StatusNotFound, code)
}
