package sandbox

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
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

// loopbackHost says whether the Host of r names this machine: localhost,
// an address of 127.0.0.0/8 or [::1], with any port. A browser sends the
// name of the page's site: a site whose name an attacker made resolve to
// 127.0.0.1 (DNS rebinding) still sends its own name, which is refused.
func loopbackHost(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// safeMethod says whether a request of method changes nothing.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// sameOrigin says whether r, when it changes state, comes from a page of
// the sandbox's own origin, or from no page at all (curl, a script). A
// browser says which: Sec-Fetch-Site, or else Origin (which must then name
// the Host the request went to). Another site's form or fetch, even one
// served on another port of localhost ("same-site"), is refused.
func sameOrigin(r *http.Request) (bool, string) {
	if safeMethod(r.Method) {
		return true, ""
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return false, "Sec-Fetch-Site: " + site
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true, ""
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, r.Host) {
		return false, "Origin: " + origin
	}
	return true, ""
}

// refusalLogEvery and refusalLogBurst bound the log lines of refused
// requests, as the webhook routes bound those of failed authentications: a
// burst of refusalLogBurst, then one a second; the next line written
// counts those left out.
const (
	refusalLogEvery = time.Second
	refusalLogBurst = 5
)

// refusals writes the log lines of refused requests, rate-limited.
type refusals struct {
	log        *slog.Logger
	limit      *rate.Limiter
	suppressed atomic.Int64
}

func (l *refusals) refused(r *http.Request, msg string, attrs ...slog.Attr) {
	if !l.limit.Allow() {
		l.suppressed.Add(1)
		return
	}
	attrs = append(attrs, slog.String("remote", r.RemoteAddr), slog.String("path", r.URL.Path))
	if n := l.suppressed.Swap(0); n > 0 {
		attrs = append(attrs, slog.Int64("suppressed", n))
	}
	l.log.LogAttrs(r.Context(), slog.LevelWarn, msg, attrs...)
}

// newGuard returns the middleware of the sandbox's routes. Unless
// AllowRemote, it answers 403 to a request not from loopback (or relayed
// by a proxy) and to one whose Host is not a loopback name; always, it
// answers 403 to a request that changes state from another origin (a
// cross-site form or fetch: CSRF). Each refusal is logged, rate-limited.
func (s *Sandbox) newGuard() echo.MiddlewareFunc {
	l := &refusals{log: s.log, limit: rate.NewLimiter(rate.Every(refusalLogEvery), refusalLogBurst)}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !s.cfg.AllowRemote {
				if !fromLoopback(r) {
					l.refused(r, "sandbox: refused a request that is not from loopback (Config.AllowRemote is off)")
					return echo.NewHTTPError(http.StatusForbidden, "the sandbox answers only on loopback")
				}
				if !loopbackHost(r) {
					l.refused(r, "sandbox: refused a request for a Host that is not loopback (DNS rebinding?)",
						slog.String("host", r.Host))
					return echo.NewHTTPError(http.StatusForbidden, "the sandbox answers only to localhost, 127.0.0.1 or [::1]")
				}
			}
			if ok, why := sameOrigin(r); !ok {
				l.refused(r, "sandbox: refused a request from another site (CSRF?)", slog.String("header", why))
				return echo.NewHTTPError(http.StatusForbidden, "the sandbox takes requests from its own page only")
			}
			return next(c)
		}
	}
}
