package webhook_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/webhook"
)

// captured is a slog.Handler that keeps every record's message and
// attributes.
type captured struct {
	mu    sync.Mutex
	lines []map[string]any
}

func (h *captured) Enabled(context.Context, slog.Level) bool { return true }

func (h *captured) Handle(_ context.Context, r slog.Record) error {
	line := map[string]any{"msg": r.Message}
	r.Attrs(func(a slog.Attr) bool {
		line[a.Key] = a.Value.Any()
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, line)
	return nil
}

func (h *captured) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captured) WithGroup(string) slog.Handler      { return h }

// authFailures returns the lines of failed authentications.
func (h *captured) authFailures() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, l := range h.lines {
		if l["msg"] == "webhook: authentication failed" {
			out = append(out, l)
		}
	}
	return out
}

// postForged posts a webhook with a wrong token that claims, in the
// headers proxies set, to come from 203.0.113.9.
func postForged(t *testing.T, url string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body(upd("1", "c1", "hi"))))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer wrong")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-Real-IP", "203.0.113.9")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// TestAuthFailureLogsPeer: the log line of a failed authentication names
// the connection's peer, not what X-Forwarded-For claims, unless trusted
// proxies were configured, in the Config or in the echo application.
func TestAuthFailureLogsPeer(t *testing.T) {
	t.Parallel()
	trustLoopback := echo.ExtractIPFromXFFHeader(echo.TrustLoopback(true))
	tests := []struct {
		name        string
		clientIP    func(*http.Request) string
		echoTrusted func(*http.Request) string
		want        string
	}{
		{"default: the peer", nil, nil, "127.0.0.1"},
		{"trusted proxies in the Config", trustLoopback, nil, "203.0.113.9"},
		{"trusted proxies in the echo app", nil, trustLoopback, "203.0.113.9"},
		{"the Config's over the echo app's", echo.ExtractIPDirect(), trustLoopback, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &captured{}
			bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
			e := echo.New()
			e.IPExtractor = tt.echoTrusted
			_, err := webhook.Mount(e, "/hook", bot, &testSource{token: token},
				webhook.Config{Logger: slog.New(logs), ClientIP: tt.clientIP})
			require.NoError(t, err)
			srv := newTestServer(t, e)
			postForged(t, srv.URL+"/hook")
			lines := logs.authFailures()
			require.Len(t, lines, 1)
			assert.Equal(t, tt.want, lines[0]["remote"])
			assert.Equal(t, "test", lines[0]["provider"])
			assert.NotContains(t, lines[0], "suppressed")
		})
	}
}

// TestAuthFailureLogRateLimited: a flood of failed authentications writes
// a few lines, not one each; a later line says how many were left out.
// It runs in a synctest bubble, serving the echo application in memory:
// the quiet second passes on the bubble's clock, and no request of the
// flood can take long enough to let the limiter refill.
func TestAuthFailureLogRateLimited(t *testing.T) { synctest.Test(t, authFailureLogRateLimited) }

func authFailureLogRateLimited(t *testing.T) {
	const flood = 40
	logs := &captured{}
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	e := echo.New()
	_, err := webhook.Mount(e, "/hook", bot, &testSource{token: token}, webhook.Config{Logger: slog.New(logs)})
	require.NoError(t, err)

	for range flood {
		serveForged(t, e)
	}
	first := len(logs.authFailures())
	assert.LessOrEqual(t, first, 5+1, "a burst, then about one a second")
	assert.Positive(t, first, "the first failures are logged")

	time.Sleep(1100 * time.Millisecond)
	serveForged(t, e)
	lines := logs.authFailures()
	require.Len(t, lines, first+1, "a failure after a quiet second is logged")
	assert.EqualValues(t, flood-first, lines[first]["suppressed"], "it counts the lines left out")
}

// serveForged is postForged served by h in memory, with no connection.
func serveForged(t *testing.T, h http.Handler) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body(upd("1", "c1", "hi"))))
	req.Header.Set("Authorization", "Bearer wrong")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusUnauthorized, rec.Code)
}
