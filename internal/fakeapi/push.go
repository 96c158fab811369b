package fakeapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Pusher posts webhook bodies to a bot as a provider does. Close it when
// done.
type Pusher struct {
	// Name names the fake in errors ("greenapitest").
	Name string
	// Attempts is how many times a body is posted while its answer is not
	// accepted; at least one.
	Attempts int
	// Interval is the wait between attempts.
	Interval time.Duration
	// Accepted reports whether a status ends the attempts.
	Accepted func(status int) bool
	// Header is set on every post (an Authorization header), when not nil.
	Header func() http.Header

	client *http.Client
}

// NewPusher returns a Pusher whose posts time out after timeout.
func NewPusher(name string, attempts int, interval, timeout time.Duration, accepted func(int) bool) *Pusher {
	return &Pusher{Name: name, Attempts: max(attempts, 1), Interval: interval, Accepted: accepted,
		client: &http.Client{Timeout: timeout}}
}

// Close drops the idle connections.
func (p *Pusher) Close() { p.client.CloseIdleConnections() }

// Push posts body to url as JSON, again after Interval while the answer
// is not accepted, at most Attempts times. It returns the status of each
// attempt (0 for one that got no answer) and an error when none was
// accepted or ctx ended.
func (p *Pusher) Push(ctx context.Context, url string, body []byte) ([]int, error) {
	var statuses []int
	var last error
	for i := 0; i < p.Attempts; i++ {
		if i > 0 {
			t := time.NewTimer(p.Interval)
			select {
			case <-ctx.Done():
				t.Stop()
				return statuses, ctx.Err()
			case <-t.C:
			}
		}
		status, err := p.post(ctx, url, body)
		statuses = append(statuses, status)
		if p.Accepted(status) {
			return statuses, nil
		}
		last = err
		if ctx.Err() != nil {
			return statuses, ctx.Err()
		}
	}
	if last != nil {
		return statuses, fmt.Errorf("%s: webhook not delivered after %d attempts: %w", p.Name, len(statuses), last)
	}
	return statuses, fmt.Errorf("%s: webhook not accepted after %d attempts: statuses %v", p.Name, len(statuses), statuses)
}

func (p *Pusher) post(ctx context.Context, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", ContentJSON)
	if p.Header != nil {
		for k, vs := range p.Header() {
			req.Header[k] = vs
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
