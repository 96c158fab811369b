package webhook

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot"
)

// Router is where routes are added: *echo.Echo and *echo.Group are both.
type Router interface {
	Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// EchoHandler returns the echo handler of a provider's webhook route: the
// route of NewHandler, for echo. Its answers other than 200 are returned as
// *echo.HTTPError, so that the application's HTTPErrorHandler writes them.
// The client's address that a log line names is Config.ClientIP's, else
// the application's IPExtractor's, else the connection's peer. Mount and
// Server.Handle use it; call it to add the route yourself. It fails as
// NewHandler does.
func EchoHandler(d cardbot.Dispatcher, src Source, cfg Config) (echo.HandlerFunc, error) {
	h, err := newHandler(d, src, cfg)
	if err != nil {
		return nil, err
	}
	return func(c echo.Context) error {
		extract := h.clientIP
		if extract == nil {
			extract = c.Echo().IPExtractor
		}
		code := h.handle(c.Response(), c.Request(), extract)
		if code != http.StatusOK {
			return echo.NewHTTPError(code, messages[code])
		}
		return c.NoContent(http.StatusOK)
	}, nil
}

// Mount adds a POST route at path that receives src's webhooks and hands
// them to d, to an echo application or group you run yourself. It adds
// nothing and fails as EchoHandler does: with ErrUnauthenticated when src
// would accept a request without credentials and cfg does not allow it.
func Mount(r Router, path string, d cardbot.Dispatcher, src Source, cfg Config) (*echo.Route, error) {
	h, err := EchoHandler(d, src, cfg)
	if err != nil {
		return nil, err
	}
	return r.Add(http.MethodPost, path, h), nil
}

// MountHealth adds GET path answering 200 {"status":"ok"}, or 503
// {"status":"draining"} once ready returns false. A nil ready is always
// ready.
func MountHealth(r Router, path string, ready func() bool) *echo.Route {
	return r.Add(http.MethodGet, path, func(c echo.Context) error {
		if ready != nil && !ready() {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
}
