// Package transport makes the HTTP transports and clients the providers
// use when the caller gives none.
//
// http.DefaultTransport keeps two idle connections per host, so a bot
// whose handlers send to one API from a hundred goroutines would close
// ninety-eight connections after each burst and open (and TLS-handshake)
// them again on the next. The transports made here keep as many as
// delivery.DefaultConcurrency handlers use.
package transport

import (
	"net"
	"net/http"
	"time"
)

// IdlePerHost is how many idle connections a transport of New keeps to
// one host.
const IdlePerHost = 128

// New returns a transport with http.DefaultTransport's settings (proxy
// from the environment, HTTP/2, timeouts) and IdlePerHost idle connections
// per host. When http.DefaultTransport was replaced by a RoundTripper of
// another type, it starts from the standard library's defaults instead.
func New() *http.Transport {
	var t *http.Transport
	if d, ok := http.DefaultTransport.(*http.Transport); ok && d != nil {
		t = d.Clone()
	} else {
		dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t.MaxIdleConnsPerHost = IdlePerHost
	if t.MaxIdleConns != 0 && t.MaxIdleConns < 2*IdlePerHost {
		t.MaxIdleConns = 2 * IdlePerHost
	}
	return t
}

// Client returns an HTTP client with a transport of New and timeout.
func Client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: New(), Timeout: timeout}
}

// NoRedirects returns a copy of hc that follows no redirect: a 3xx answer
// is returned as it is, so that the caller can fail on it, and no request
// (with the credentials it carries, or a Referer that holds them) goes to
// the host the answer points at. hc itself is not changed.
func NoRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = refuseRedirect
	return &c
}

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
