package sandbox

import (
	"net"
	"net/http"

	"github.com/labstack/echo/v4"
)

// proxyHeaders betray a request relayed by a proxy, whose own address is
// loopback while its client's is not.
var proxyHeaders = []string{"X-Forwarded-For", "Forwarded", "X-Real-IP"}

// fromLoopback says whether r comes straight from this machine: a loopback
// remote address (never a header's claim) and no proxy headers.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	for _, h := range proxyHeaders {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	return true
}

// guard answers 403 to requests not from loopback, unless AllowRemote.
func (s *Sandbox) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.cfg.AllowRemote && !fromLoopback(c.Request()) {
			s.log.Warn("sandbox: refused a request that is not from loopback (Config.AllowRemote is off)",
				"remote", c.Request().RemoteAddr, "path", c.Request().URL.Path)
			return echo.NewHTTPError(http.StatusForbidden, "the sandbox answers only on loopback")
		}
		return next(c)
	}
}
