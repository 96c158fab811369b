package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Fault kinds, injected in turn (faultOrder).
const (
	faultRateLimit = iota // 429 with Retry-After, from the fake
	fault500              // 500, from the fake
	faultSlow             // a slow answer
	faultRefused          // the API's address refuses the connection
	// faultRedeliver fails one send with 500 Stubborn times in a row, more
	// than the provider client retries within one handling, so the
	// handling fails retryably and only a later delivery answers: the
	// provider's redelivery after a 503 (sync), or the bot's own retry
	// from its queue (async).
	faultRedeliver
	faultKinds
)

// faultOrder is the order the kinds come in, a redeliver fault first.
var faultOrder = [faultKinds]int{faultRedeliver, faultRateLimit, fault500, faultSlow, faultRefused}

// faultNames names the kinds, as the report's column does.
const faultNames = "429/500/slow/refused/redeliver"

// faultTarget is what a fake provider offers to make its next answer fail.
type faultTarget interface {
	FailNext(n, status int, retryAfter time.Duration)
}

// FaultPlan says which faults a transport injects.
type FaultPlan struct {
	Budget     int           // faults at most; 0 turns them off
	Every      int           // one eligible request in Every gets a fault
	RetryAfter time.Duration // of the 429s
	Slow       time.Duration // how late a slow answer comes
	Stubborn   int           // how many times in a row a redeliver fault fails its send
}

// faultTransport carries the bot's calls to a fake provider (as the
// transport of the bot's client in process, or behind a front in the
// external mode) and makes one send in Every fail: the fake answers 429 or
// 500, or answers late, or the connection is refused (behind a front:
// dropped). A faulted request runs alone (the gate), so the
// failure queued in the fake is the one it gets; and a request body is
// faulted once at most, so a retry of it goes through and no send exhausts
// its retries; but a redeliver fault fails the same body again each time
// it comes, Stubborn times in all.
type faultTransport struct {
	base    *http.Transport
	refused *http.Transport // dials a closed loopback port
	target  faultTarget
	setSlow func(time.Duration) // a fake's delay, or nil: the delay is ours
	plan    FaultPlan

	gate    sync.RWMutex
	seen    atomic.Int64
	left    atomic.Int64
	mu      sync.Mutex
	faulted map[string]bool
	again   map[string]int // body → failures a redeliver fault has left
	counts  [faultKinds]atomic.Int64
}

func newFaultTransport(target faultTarget, setSlow func(time.Duration), plan FaultPlan) (*faultTransport, error) {
	closed, err := closedPort()
	if err != nil {
		return nil, err
	}
	t := &faultTransport{
		base: loopbackTransport(nil),
		refused: loopbackTransport(func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", closed)
		}),
		target:  target,
		setSlow: setSlow,
		plan:    plan,
		faulted: make(map[string]bool),
		again:   make(map[string]int),
	}
	if plan.Every <= 0 {
		t.plan.Every = 1
	}
	t.left.Store(int64(plan.Budget))
	return t, nil
}

// loopbackTransport is an HTTP transport for loopback with enough idle
// connections for the load; dial replaces its dialer when not nil.
func loopbackTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
	t := &http.Transport{
		Proxy:               nil, // loopback only: never a proxy from the environment
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	if dial != nil {
		t.DialContext = dial
		t.DisableKeepAlives = true
	}
	return t
}

// closedPort returns a loopback address nothing listens on.
func closedPort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("closed port: %w", err)
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// Counts returns the faults injected, by kind.
func (t *faultTransport) Counts() [faultKinds]int {
	var out [faultKinds]int
	for i := range out {
		out[i] = int(t.counts[i].Load())
	}
	return out
}

// Close drops the idle connections.
func (t *faultTransport) Close() {
	t.base.CloseIdleConnections()
	t.refused.CloseIdleConnections()
}

func (t *faultTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	kind, fault, err := t.pick(req)
	if err != nil {
		return nil, err
	}
	if fault == noFault {
		t.gate.RLock()
		defer t.gate.RUnlock()
		return t.base.RoundTrip(req)
	}
	t.gate.Lock()
	defer t.gate.Unlock()
	if fault == newFault {
		t.counts[kind].Add(1)
	}
	switch kind {
	case faultRedeliver:
		t.target.FailNext(1, http.StatusInternalServerError, 0)
	case faultRateLimit:
		t.target.FailNext(1, http.StatusTooManyRequests, t.plan.RetryAfter)
	case fault500:
		t.target.FailNext(1, http.StatusInternalServerError, 0)
	case faultRefused:
		return t.refused.RoundTrip(req)
	case faultSlow:
		if t.setSlow == nil {
			if err := sleep(req.Context(), t.plan.Slow); err != nil {
				return nil, err
			}
			break
		}
		t.setSlow(t.plan.Slow)
		defer t.setSlow(0)
	}
	return t.base.RoundTrip(req)
}

// Whether pick gives a request a fault: none, a new one, or a redeliver
// fault's next failure of the same body.
const (
	noFault = iota
	newFault
	againFault
)

// pick decides whether req gets a fault and which: only sends (a POST
// with a body) are eligible, one in Every, each body once; a body under a
// redeliver fault fails until its failures are used up.
func (t *faultTransport) pick(req *http.Request) (kind, fault int, err error) {
	if t.plan.Budget <= 0 || req.Method != http.MethodPost || req.Body == nil {
		return 0, noFault, nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return 0, noFault, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := t.again[string(body)]; n > 0 {
		t.again[string(body)] = n - 1
		return faultRedeliver, againFault, nil
	}
	if t.seen.Add(1)%int64(t.plan.Every) != 0 || t.faulted[string(body)] || t.left.Load() <= 0 {
		return 0, noFault, nil
	}
	t.faulted[string(body)] = true
	given := t.plan.Budget - 1 - int(t.left.Add(-1))
	kind = faultOrder[given%faultKinds]
	if kind == faultRedeliver {
		t.again[string(body)] = t.plan.Stubborn - 1
	}
	return kind, newFault, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
