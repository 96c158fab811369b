// Package apitest holds what the providers' tests share to play an API
// that misbehaves on loopback: one that reads a request and then hangs or
// cuts the connection, an address that refuses connections, a client that
// counts its dials, and a resolver that answers from a table.
package apitest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Mode is what a Misbehaving server does once it has read a request.
type Mode int

const (
	// Hang keeps the request open until the client gives up.
	Hang Mode = iota
	// Cut closes the connection without an answer.
	Cut
)

// String returns "hangs" or "cuts the connection".
func (m Mode) String() string {
	if m == Cut {
		return "cuts the connection"
	}
	return "hangs"
}

// Misbehaving is a server on loopback that reads every request whole,
// counts it, and then does what its Mode says. It is closed when the test
// ends.
type Misbehaving struct {
	*httptest.Server
	requests atomic.Int32
}

// NewMisbehaving starts a Misbehaving server.
func NewMisbehaving(t testing.TB, mode Mode) *Misbehaving {
	t.Helper()
	m := &Misbehaving{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		m.requests.Add(1)
		if mode == Cut {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		<-r.Context().Done()
	}))
	t.Cleanup(m.Close)
	return m
}

// Requests returns how many requests the server read.
func (m *Misbehaving) Requests() int { return int(m.requests.Load()) }

// RefusedURL returns an http URL on loopback where nothing listens: a
// connection to it is refused.
func RefusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("apitest: listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("apitest: close the listener: %v", err)
	}
	return "http://" + addr
}

// DialCounter is an HTTP client that counts the connections it dials.
type DialCounter struct {
	// Client is the client to use; its Timeout is the one given.
	Client *http.Client
	dials  atomic.Int32
}

// NewDialCounter returns a DialCounter whose client has the timeout given.
func NewDialCounter(timeout time.Duration) *DialCounter {
	d := &DialCounter{}
	var dialer net.Dialer
	d.Client = &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d.dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	return d
}

// Dials returns how many connections the client dialled.
func (d *DialCounter) Dials() int { return int(d.dials.Load()) }

// Resolver answers host names from a table and never reaches a DNS
// server; a name it does not know does not exist (NXDOMAIN). It counts
// the lookups of each name.
type Resolver struct {
	// Hosts maps a name to its address.
	Hosts map[string]string

	mu      sync.Mutex
	lookups map[string]int
}

// LookupNetIP answers host from Hosts.
func (r *Resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	if r.lookups == nil {
		r.lookups = make(map[string]int)
	}
	r.lookups[host]++
	r.mu.Unlock()
	ip, ok := r.Hosts[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, &net.DNSError{Err: "bad address in the table: " + err.Error(), Name: host}
	}
	return []netip.Addr{addr}, nil
}

// Lookups returns how many times host was looked up.
func (r *Resolver) Lookups(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookups[host]
}
