package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
		body    string
	}{
		{"ready", readier{}, 0, http.StatusOK, `{"status":"ready"}`},
		{"a store down", readier{err: errors.New("queue: connection refused")}, 0, http.StatusServiceUnavailable,
			`{"status":"not ready","error":"queue: connection refused"}`},
		{"too slow to say", readier{wait: time.Second}, 20 * time.Millisecond, http.StatusServiceUnavailable,
			`{"status":"not ready","error":"context deadline exceeded"}`},
		{"a bot shutting down", shutDown(t), 0, http.StatusServiceUnavailable,
			`{"status":"not ready","error":"cardbot: not ready: cardbot: bot is shutting down"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			webhook.ReadyHandler(tt.r, tt.timeout).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			assert.Equal(t, tt.status, rec.Code)
			assert.JSONEq(t, tt.body, rec.Body.String())
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		})
	}
}

func shutDown(t *testing.T) *cardbot.Bot {
	bot := cardbot.New()
	require.NoError(t, bot.Shutdown(context.Background()))
	return bot
}
