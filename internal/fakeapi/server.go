package fakeapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Server is what a fake runs on: an HTTP server on a loopback port, the
// Pusher that posts webhooks to bots, and the posts it makes in the
// background, which Close ends and waits for.
type Server struct {
	// URL is the server's base URL ("http://127.0.0.1:port").
	URL string

	srv     *httptest.Server
	push    *Pusher
	ctx     context.Context // ends on Close: background posts stop
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	pushErr List[error]
}

// NewServer starts h on a loopback port, with push to post webhooks. Close
// it when done.
func NewServer(h http.Handler, push *Pusher) *Server {
	s := &Server{push: push}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = httptest.NewServer(h)
	s.URL = s.srv.URL
	return s
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Push posts body to url as the Pusher does.
func (s *Server) Push(ctx context.Context, url string, body []byte) ([]int, error) {
	return s.push.Push(ctx, url, body)
}

// PushLater posts body to url in the background, as a provider delivers
// what it produced to a webhook; an error is kept for PushErrors. Close
// stops the post.
func (s *Server) PushLater(url string, body []byte) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := s.push.Push(s.ctx, url, body); err != nil {
			s.pushErr.Add(err)
		}
	}()
}

// PushErrors returns the errors of the posts of PushLater, in order.
func (s *Server) PushErrors() []error { return s.pushErr.All() }

// Close stops the background posts, waits for them, and shuts the server
// down.
func (s *Server) Close() {
	s.cancel()
	s.wg.Wait()
	s.srv.Close()
	s.push.Close()
}
