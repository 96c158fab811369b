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
	"sync"
	"sync/atomic"
	"time"
)

// balancer is the load balancer in front of several echobot processes: a
// reverse proxy on loopback that sends each webhook request to the next
// live instance in turn. It learns that an instance is down or up again as
// a health check would: from the harness, a moment after the fact
// (-lb-lag), so that requests sent to a dead instance meanwhile fail with
// 502, and the provider sees the failure and delivers again.
type balancer struct {
	URL  string
	srv  *http.Server
	done chan error
	tr   *http.Transport

	mu       sync.Mutex
	backends []*backend
	next     int
}

// backend is one instance behind the balancer.
type backend struct {
	proxy  *httputil.ReverseProxy
	up     bool
	served atomic.Int64 // requests answered 200
	failed atomic.Int64 // requests that got no answer (502)
}

// startBalancer listens on a free loopback port in front of bases (the
// instances' URLs), all taken to be up.
func startBalancer(bases []string) (*balancer, error) {
	b := &balancer{done: make(chan error, 1), tr: loopbackTransport(nil)}
	for _, base := range bases {
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("balancer: %w", err)
		}
		be := &backend{up: true}
		be.proxy = &httputil.ReverseProxy{
			Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u) },
			Transport: b.tr,
			ModifyResponse: func(resp *http.Response) error {
				if resp.StatusCode == http.StatusOK {
					be.served.Add(1)
				}
				return nil
			},
			ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
				be.failed.Add(1)
				w.WriteHeader(http.StatusBadGateway)
			},
			ErrorLog: log.New(io.Discard, "", 0),
		}
		b.backends = append(b.backends, be)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("balancer: %w", err)
	}
	b.URL = "http://" + l.Addr().String()
	b.srv = &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { b.done <- b.srv.Serve(l) }()
	return b, nil
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	be := b.pick()
	if be == nil {
		http.Error(w, "loadtest balancer: no instance up", http.StatusServiceUnavailable)
		return
	}
	be.proxy.ServeHTTP(w, r)
}

// pick returns the next instance that is up, or nil.
func (b *balancer) pick() *backend {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range b.backends {
		be := b.backends[b.next%len(b.backends)]
		b.next++
		if be.up {
			return be
		}
	}
	return nil
}

// setUp marks instance i up or down.
func (b *balancer) setUp(i int, up bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backends[i].up = up
}

// counts returns, per instance, the requests answered 200 and those that
// got no answer.
func (b *balancer) counts() (served, failed []int64) {
	for _, be := range b.backends {
		served = append(served, be.served.Load())
		failed = append(failed, be.failed.Load())
	}
	return served, failed
}

func (b *balancer) close() error {
	err := b.srv.Close()
	if s := <-b.done; !errors.Is(s, http.ErrServerClosed) {
		err = errors.Join(err, s)
	}
	b.tr.CloseIdleConnections()
	return err
}
