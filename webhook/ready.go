package webhook

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// Readier says whether what serves the webhooks can take updates;
// *cardbot.Bot is one (Bot.Ready asks its stores and providers).
type Readier interface {
	Ready(ctx context.Context) error
}

// DefaultReadyTimeout bounds one readiness check.
const DefaultReadyTimeout = 2 * time.Second

// ReadyHandler answers a readiness probe: 200 {"status":"ready"} when
// r.Ready returns nil within timeout (DefaultReadyTimeout when zero or
// less), else 503 {"status":"not ready"}. The reason, which names the part
// that failed ("queue: …", "provider aitu: …"), goes to log (slog.Default
// when nil) at level Warn, not to the client: it may name hosts and
// addresses of the infrastructure. It answers every method; mount it at
// GET /readyz.
func ReadyHandler(r Readier, timeout time.Duration, log *slog.Logger) http.Handler {
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), timeout)
		defer cancel()
		status, body := http.StatusOK, map[string]string{"status": "ready"}
		if err := r.Ready(ctx); err != nil {
			log.LogAttrs(req.Context(), slog.LevelWarn, "webhook: not ready", slog.Any("error", err))
			status, body = http.StatusServiceUnavailable, map[string]string{"status": "not ready"}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}
