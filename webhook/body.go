package webhook

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// What a route reads of a body over the limit before it answers 413.
const (
	// MaxBodyDrain is how many bytes past the limit a route reads and throws
	// away before it answers 413: it reads limit+MaxBodyDrain bytes of a body
	// at most. A client that writes its whole body
	// before it reads (Python's urllib, with Connection: close) reads the
	// 413 only when nothing it sent is left unread as the connection
	// closes; else the kernel resets the connection and the answer is
	// lost. A body larger still (its declared length beyond the limit and
	// MaxBodyDrain) is not read at all. Only requests that passed the
	// webhook's authentication are drained.
	MaxBodyDrain = 4 << 20

	// BodyDrainTimeout bounds the time spent draining one body.
	BodyDrainTimeout = time.Second
)

// errTooLarge means the body is over the route's limit.
var errTooLarge = errors.New("webhook: body over the limit")

// readBody reads r's body, limit bytes at most: errTooLarge beyond, after
// draining what is left (see MaxBodyDrain). A body of a known length is read
// into one buffer of its size.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		if r.ContentLength <= limit+MaxBodyDrain {
			drain(w, r, r.ContentLength)
		}
		return nil, errTooLarge
	}
	size := int64(512)
	if r.ContentLength >= 0 {
		size = r.ContentLength + 1 // room to see the EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):min(int64(cap(buf)), limit+1)]
		n, err := r.Body.Read(room)
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			drain(w, r, limit+MaxBodyDrain-int64(len(buf)))
			return nil, errTooLarge
		}
		switch {
		case errors.Is(err, io.EOF):
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}

// drain reads and throws away what is left of a body over the limit, at
// most n bytes for at most BodyDrainTimeout, so that the connection is closed
// with nothing unread and the client reads the 413. (A body whose declared
// length is beyond what is drained is not read at all: its connection is
// closed unread anyway.) The read deadline set here stays: whatever the
// server reads of this request after it fails at once, and the next
// request on the connection gets deadlines of its own.
func drain(w http.ResponseWriter, r *http.Request, n int64) {
	// Not every ResponseWriter can set it; the server's ReadTimeout still
	// bounds the drain then.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(BodyDrainTimeout))
	_, _ = io.CopyN(io.Discard, r.Body, n)
}
