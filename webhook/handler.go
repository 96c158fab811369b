package webhook

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/cardbot/cardbot"
)

// DefaultBodyLimit is the largest body a route reads: 1 MiB.
const DefaultBodyLimit = 1 << 20

// Config sets how a route reads webhooks. The zero value is the default.
type Config struct {
	// BodyLimit is the largest body read, in bytes; a larger one answers
	// 413. Optional. Default DefaultBodyLimit.
	BodyLimit int64

	// Logger gets a line for every request refused or failed. Optional.
	// Default: the Dispatcher's logger when it has a Logger() method, else
	// slog.Default().
	Logger *slog.Logger
}

// Handler returns the echo handler of a provider's webhook route, body
// limit included (echo's BodyLimit middleware). Mount and Server.Handle use
// it; call it to add the route yourself.
func Handler(d Dispatcher, src Source, cfg Config) echo.HandlerFunc {
	limit := cfg.BodyLimit
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	h := &handler{d: d, src: src, log: loggerFor(cfg.Logger, d)}
	return middleware.BodyLimit(strconv.FormatInt(limit, 10) + "B")(h.serve)
}

type handler struct {
	d   Dispatcher
	src Source
	log *slog.Logger
}

func (h *handler) serve(c echo.Context) error {
	r := c.Request()
	if err := h.src.VerifyWebhook(r); err != nil {
		h.log.Warn("webhook: authentication failed", "provider", h.src.Name(), "remote", c.RealIP(), "error", err)
		return echo.NewHTTPError(http.StatusUnauthorized, "unauthorized")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he // the body limit: 413
		}
		return echo.NewHTTPError(http.StatusBadRequest, "body could not be read")
	}
	updates, err := h.src.DecodeWebhook(body)
	if err != nil {
		h.log.Warn("webhook: malformed body", "provider", h.src.Name(), "bytes", len(body), "error", err)
		return echo.NewHTTPError(http.StatusBadRequest, "malformed update")
	}
	// The handlers' work must not end when the provider hangs up; it ends
	// with the handler timeout and the bot's shutdown.
	ctx := context.WithoutCancel(r.Context())
	retry := false
	for _, u := range updates {
		if err := h.d.Dispatch(ctx, h.src, u); err != nil && cardbot.IsRetryable(err) {
			retry = true // the rest still run; dedup skips the handled ones on redelivery
		}
	}
	if retry {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "try again later")
	}
	return c.NoContent(http.StatusOK)
}

func loggerFor(l *slog.Logger, d any) *slog.Logger {
	if l != nil {
		return l
	}
	if lg, ok := d.(interface{ Logger() *slog.Logger }); ok && lg.Logger() != nil {
		return lg.Logger()
	}
	return slog.Default()
}
