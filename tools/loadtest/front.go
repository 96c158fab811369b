package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// front is a fixed loopback address in front of a fake provider, for a bot
// in another process that must be told where its API is before it starts.
// The fakes (greenapitest, aitutest) listen on a port of their own
// choosing, and each phase has new ones; a front outlives them and
// forwards each request to the current phase's fake through its fault
// transport, so that faults are injected on the provider's side, as a
// real provider fails. A fault that needs the bot's own dialer (a refused
// connection) is played as a dropped one: the front closes the bot's
// connection without an answer.
type front struct {
	URL   string // "http://127.0.0.1:7001"
	srv   *http.Server
	proxy atomic.Pointer[httputil.ReverseProxy]
	done  chan error
}

func listenFront(addr string) (*front, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	f := &front{URL: "http://" + l.Addr().String(), done: make(chan error, 1)}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { f.done <- f.srv.Serve(l) }()
	return f, nil
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := f.proxy.Load()
	if p == nil {
		http.Error(w, "loadtest: no fake provider between phases", http.StatusServiceUnavailable)
		return
	}
	p.ServeHTTP(w, r)
}

// route forwards the front's requests to the fake at u (its scheme and
// host), through t; a nil u stops forwarding.
func (f *front) route(u *url.URL, t http.RoundTripper) {
	if u == nil {
		f.proxy.Store(nil)
		return
	}
	f.proxy.Store(&httputil.ReverseProxy{
		Rewrite:      func(r *httputil.ProxyRequest) { r.SetURL(u) },
		Transport:    t,
		ErrorHandler: drop,
		ErrorLog:     log.New(io.Discard, "", 0),
	})
}

// drop answers a request the fake could not be reached for (a "refused"
// fault) by closing the connection without an answer: to the bot it is a
// network error, which it retries.
func drop(w http.ResponseWriter, _ *http.Request, _ error) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	w.WriteHeader(http.StatusBadGateway)
}

func (f *front) close() error {
	err := f.srv.Close()
	if s := <-f.done; !errors.Is(s, http.ErrServerClosed) {
		err = errors.Join(err, s)
	}
	return err
}

// fronts are the fixed addresses of the three fakes.
type fronts [messengers]*front

// listenFronts listens on the addresses of cfg.
func listenFronts(cfg Config) (*fronts, error) {
	var fr fronts
	for m, addr := range [messengers]string{onWhatsApp: cfg.WhatsAppAddr, onMAX: cfg.MAXAddr, onAitu: cfg.AituAddr} {
		f, err := listenFront(addr)
		if err != nil {
			fr.close()
			return nil, fmt.Errorf("%s fake: %w", messenger(m), err)
		}
		fr[m] = f
	}
	return &fr, nil
}

// loopbackFronts listens on three free loopback ports: the fronts of one
// echobot process of the crash and throughput phases.
func loopbackFronts() (*fronts, error) {
	var fr fronts
	for m := range messengers {
		f, err := listenFront("127.0.0.1:0")
		if err != nil {
			fr.close()
			return nil, fmt.Errorf("%s fake: %w", m, err)
		}
		fr[m] = f
	}
	return &fr, nil
}

// route points the fronts at w's fakes and returns their URLs.
func (fr *fronts) route(w *world) ([messengers]string, error) {
	return fr.routeVia(w, [messengers]http.RoundTripper{})
}

// routeVia points the fronts at w's fakes through the transports of via
// (each wraps the messenger's fault transport), or the fault transports
// where via has none.
func (fr *fronts) routeVia(w *world, via [messengers]http.RoundTripper) ([messengers]string, error) {
	var urls [messengers]string
	for m, to := range [messengers]string{onWhatsApp: w.wa.URL, onMAX: w.mx.URL, onAitu: w.ai.URL} {
		u, err := url.Parse(to)
		if err != nil {
			return urls, fmt.Errorf("%s fake's URL: %w", messenger(m), err)
		}
		var t http.RoundTripper = w.faultT[m]
		if via[m] != nil {
			t = via[m]
		}
		fr[m].route(&url.URL{Scheme: u.Scheme, Host: u.Host}, t)
		urls[m] = fr[m].URL
	}
	return urls, nil
}

// unroute stops forwarding: the phase's fakes are gone.
func (fr *fronts) unroute() {
	for _, f := range fr {
		f.route(nil, nil)
	}
}

func (fr *fronts) close() {
	for _, f := range fr {
		if f != nil {
			_ = f.close()
		}
	}
}
