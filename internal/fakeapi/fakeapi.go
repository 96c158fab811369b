// Package fakeapi is the scaffolding the providers' fake servers
// (greenapitest, aitutest) share: the answer a handler gives and how it is
// written, the log of calls, the queue of failures to answer instead of
// the real thing, the queue long polls wait on, and the webhook poster
// that retries as a provider does. What each API says stays in its fake.
package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MaxBody caps the request body a fake reads.
const MaxBody = 1 << 20

// Content types of answers.
const (
	ContentJSON = "application/json"
	ContentText = "text/plain; charset=utf-8"
)

// Answer is what a fake's handler responds.
type Answer struct {
	// Status is the HTTP status.
	Status int
	// Body is the body.
	Body []byte
	// ContentType is sent when not "".
	ContentType string
	// RetryAfter, when positive, is sent as Retry-After in whole seconds,
	// rounded up.
	RetryAfter time.Duration
}

// JSON answers v as JSON, with no HTML escaping.
func JSON(status int, v any) Answer {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return Text(http.StatusInternalServerError, "fakeapi: cannot encode the answer: "+err.Error())
	}
	return Answer{Status: status, Body: bytes.TrimSpace(b.Bytes()), ContentType: ContentJSON}
}

// Text answers text as text/plain.
func Text(status int, text string) Answer {
	return Answer{Status: status, Body: []byte(text), ContentType: ContentText}
}

// Write writes a to w.
func (a Answer) Write(w http.ResponseWriter) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((a.RetryAfter+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// ReadBody reads r's body up to MaxBody; over that, tooLarge is true.
func ReadBody(r *http.Request) (body []byte, tooLarge bool, err error) {
	return ReadBodyUpTo(r, MaxBody)
}

// ReadBodyUpTo reads r's body up to limit bytes (a file upload's cap);
// over that, tooLarge is true.
func ReadBodyUpTo(r *http.Request, limit int64) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	return body, int64(len(body)) > limit, err
}

// RawBody is body as a call's JSON body: nil when it is blank.
func RawBody(body []byte) json.RawMessage {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return json.RawMessage(body)
}

// List is a list safe for concurrent use: the calls a fake received, the
// messages it accepted.
type List[T any] struct {
	mu    sync.Mutex
	items []T
}

// Add appends vs.
func (l *List[T]) Add(vs ...T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, vs...)
}

// All returns a copy of the list.
func (l *List[T]) All() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.items...)
}

// Reset empties the list.
func (l *List[T]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = nil
}

// AddN appends v n times.
func (l *List[T]) AddN(n int, v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range n {
		l.items = append(l.items, v)
	}
}

// Take removes and returns the first item, if any: a queue of failures.
func (l *List[T]) Take() (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var v T
	if len(l.items) == 0 {
		return v, false
	}
	v = l.items[0]
	l.items = l.items[1:]
	return v, true
}

// Queue is what a fake's long polls serve: items in order, and a wait
// for the first. Its zero value is empty and ready to use; it is safe for
// concurrent use.
type Queue[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{} // closed and dropped on Push
}

// Push appends vs and wakes the waiting polls.
func (q *Queue[T]) Push(vs ...T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, vs...)
	if q.changed != nil {
		close(q.changed)
		q.changed = nil
	}
}

// Len returns how many items the queue holds.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Update replaces the items with what f returns for them (to drop those
// acknowledged or deleted).
func (q *Queue[T]) Update(f func(items []T) []T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = f(q.items)
}

// Wait returns up to n items from the head of the queue as soon as there
// are any, waiting at most d: none when d passed first, and ctx's error
// when it ended first.
func (q *Queue[T]) Wait(ctx context.Context, d time.Duration, n int) ([]T, error) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			out := append([]T(nil), q.items[:min(n, len(q.items))]...)
			q.mu.Unlock()
			return out, nil
		}
		if q.changed == nil {
			q.changed = make(chan struct{})
		}
		ch := q.changed
		q.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

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
