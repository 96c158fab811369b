package main

import (
	"net/http"
	"sync"
	"time"
)

// probe is the way from one echobot process to one fake provider API. It
// makes every call with a body (a send; on GREEN-API also checkAccount
// and downloadFile) answer after a delay, as a slow provider does, and it
// keeps count of the calls open and of when each was answered, so that
// the crash phase can tell what the process it kills had under way.
// Other calls (GETs: file downloads, polls) pass at once.
type probe struct {
	next  http.RoundTripper
	delay time.Duration

	mu       sync.Mutex
	open     int
	answered []time.Time // of the calls with a body, in order
}

func newProbe(next http.RoundTripper, delay time.Duration) *probe {
	return &probe{next: next, delay: delay}
}

func (p *probe) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost {
		return p.next.RoundTrip(req)
	}
	p.mu.Lock()
	p.open++
	p.mu.Unlock()
	var resp *http.Response
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.open--
		if resp != nil {
			p.answered = append(p.answered, time.Now())
		}
	}()
	if err := sleep(req.Context(), p.delay); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	var err error
	resp, err = p.next.RoundTrip(req)
	return resp, err
}

// underWay returns the calls open now and those answered since since.
func (p *probe) underWay(since time.Time) (open, answered int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.answered) - 1; i >= 0 && !p.answered[i].Before(since); i-- {
		answered++
	}
	return p.open, answered
}
