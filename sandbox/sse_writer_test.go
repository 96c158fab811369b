package sandbox

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errGone is what a writer of a page that went away returns.
var errGone = errors.New("the page went away")

// plainWriter is a ResponseWriter that cannot flush, as the wrappers of
// some middleware are.
type plainWriter struct {
	header http.Header
	body   bytes.Buffer
}

func (w *plainWriter) Header() http.Header         { return w.header }
func (w *plainWriter) WriteHeader(int)             {}
func (w *plainWriter) Write(b []byte) (int, error) { return w.body.Write(b) }

// shown is what the page got.
func (w *plainWriter) shown() string { return w.body.String() }

func plain() http.ResponseWriter { return &plainWriter{header: http.Header{}} }

// brokenWriter fails its writes after okWrites of them, and its flushes
// after okFlushes.
type brokenWriter struct {
	plainWriter
	okWrites, okFlushes int
}

func (w *brokenWriter) Write(b []byte) (int, error) {
	if w.okWrites == 0 {
		return 0, errGone
	}
	w.okWrites--
	return w.plainWriter.Write(b)
}

func broken(okWrites, okFlushes int) func() http.ResponseWriter {
	return func() http.ResponseWriter {
		return &brokenWriter{plainWriter: plainWriter{header: http.Header{}}, okWrites: okWrites, okFlushes: okFlushes}
	}
}

func (w *brokenWriter) FlushError() error {
	if w.okFlushes == 0 {
		return errGone
	}
	w.okFlushes--
	return nil
}

// A stream ends, and stops taking events, when its writer fails: the page
// went away, or a middleware's writer cannot flush. It never takes the
// server down.
func TestEventStreamEndsWhenTheWriterFails(t *testing.T) {
	tests := []struct {
		name string
		w    func() http.ResponseWriter
		// live publishes an event once the stream waits for new ones.
		live bool
		// shown is what the page got before the stream ended.
		shown string
	}{
		{"writer that cannot flush", plain, false, "retry: 1000\n\nid: 1\n"},
		{"first write fails", broken(0, 0), false, ""},
		{"backlog write fails", broken(1, 0), false, "retry: 1000\n\n"},
		{"first flush fails", broken(10, 0), false, "retry: 1000\n\nid: 1\n"},
		{"live write fails", broken(2, 1), true, "retry: 1000\n\nid: 1\n"},
		{"live flush fails", broken(10, 1), true, "id: 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Config{Messengers: []Messenger{WhatsApp}})
			s.sb.hub.publish(KindReply, WhatsApp, Reply{Chat: "79001234567@c.us", Text: "kept"})
			w := tt.w()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/sandbox/api/events", nil)
			c := echo.New().NewContext(req, w)

			done := make(chan error, 1)
			go func() { done <- s.sb.events(c) }()
			if tt.live {
				require.Eventually(t, func() bool { return subscribers(s.sb) == 1 }, 5*time.Second, time.Millisecond)
				s.sb.hub.publish(KindReply, WhatsApp, Reply{Chat: "79001234567@c.us", Text: "live"})
			}
			select {
			case err := <-done:
				require.NoError(t, err, "the page reconnects: the handler has nothing to report")
			case <-ctx.Done():
				t.Fatal("the stream did not end")
			}
			assert.Zero(t, subscribers(s.sb), "the stream takes no more events")
			body := w.(interface{ shown() string }).shown()
			if tt.shown == "" {
				assert.Empty(t, body)
			} else {
				assert.Contains(t, body, tt.shown)
			}
		})
	}
}

func subscribers(s *Sandbox) int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.subs)
}
