package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/cardbot/cardbot"
)

// Readier says whether what serves the webhooks can take updates;
// *cardbot.Bot is one (Bot.Ready asks its stores and providers).
type Readier interface {
	Ready(ctx context.Context) error
}

// CheckReadier is a Readier that answers for each of its components;
// *cardbot.Bot is one. ReadyHandler then lists the components that are
// ready too.
type CheckReadier interface {
	Readier
	ReadyChecks(ctx context.Context) []cardbot.Check
}

// DefaultReadyTimeout bounds one readiness check.
const DefaultReadyTimeout = 2 * time.Second

// ReadyBody is the JSON body of ReadyHandler's answers.
type ReadyBody struct {
	// Status is "ready" or "not ready".
	Status string `json:"status"`
	// Checks maps each component asked ("queue", "greenapi 1101000001",
	// "provider aitu") to "ok" or the reason it is not ready
	// (cardbot.Check.Reason: "notAuthorized", "push failed: no space left
	// on device"). Left out when r names no components.
	Checks map[string]string `json:"checks,omitempty"`
	// Reason is why a Readier that names no components is not ready.
	Reason string `json:"reason,omitempty"`
}

// ReadyHandler answers a readiness probe: 200 {"status":"ready"} when r
// is ready within timeout (DefaultReadyTimeout when zero or less), else
// 503 {"status":"not ready"}. When r names its components (a CheckReadier,
// or a Ready error that is a *cardbot.NotReadyError) the body maps each to
// "ok" or the reason it is not ready:
//
//	{"status":"not ready","checks":{"greenapi 1101000001":"notAuthorized","queue":"push failed: no space left on device"}}
//
// The reasons are cardbot.Check.Reason's: a few words without the hosts,
// addresses or paths that an error may name. The whole error goes to log
// (slog.Default when nil) at level Warn. It answers every method; mount it
// at GET /readyz.
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
		status, body, err := readiness(ctx, r)
		if err != nil {
			log.LogAttrs(req.Context(), slog.LevelWarn, "webhook: not ready", slog.Any("error", err))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}

// readiness asks r and makes the answer: its status, its body, and the
// error to log.
func readiness(ctx context.Context, r Readier) (int, ReadyBody, error) {
	var checks []cardbot.Check
	var err error
	if cr, ok := r.(CheckReadier); ok {
		checks = cr.ReadyChecks(ctx)
		for _, c := range checks {
			if c.Err != nil {
				err = &cardbot.NotReadyError{Checks: checks}
				break
			}
		}
	} else if err = r.Ready(ctx); err != nil {
		var nre *cardbot.NotReadyError
		if errors.As(err, &nre) {
			checks = nre.Checks
		}
	}
	body := ReadyBody{Status: "ready"}
	if len(checks) > 0 {
		body.Checks = make(map[string]string, len(checks))
		for _, c := range checks {
			body.Checks[c.Component] = "ok"
			if c.Err != nil {
				body.Checks[c.Component] = c.Reason()
			}
		}
	}
	if err == nil {
		return http.StatusOK, body, nil
	}
	body.Status = "not ready"
	if body.Checks == nil {
		body.Reason = cardbot.Check{Component: "ready", Err: err}.Reason()
	}
	return http.StatusServiceUnavailable, body, err
}
