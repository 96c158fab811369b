package greenapitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// Enqueue adds a notification (a webhook body) to the queue that
// receiveNotification serves, and returns its receipt id. Like GREEN-API,
// the server hands out the head of the queue until it is deleted.
func (s *Server) Enqueue(notification []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.receipt++
	s.queue = append(s.queue, queued{receipt: s.receipt, body: append(json.RawMessage(nil), notification...)})
	s.enqueued.Notify()
	return s.receipt
}

// Pending returns how many notifications the queue holds.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

type receiveAnswer struct {
	ReceiptID int64           `json:"receiptId"`
	Body      json.RawMessage `json:"body"`
}

// receiveNotification answers the head of the queue, waiting up to
// receiveTimeout seconds (5–60, default 5; capped by WithMaxReceiveWait)
// for one, or null.
func (s *Server) receiveNotification(r *http.Request, _ []byte, _ *Call) answer {
	timeout := 5
	if v := r.URL.Query().Get("receiveTimeout"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 60 {
			return s.invalid("'receiveTimeout' must be a number from 5 to 60")
		}
		timeout = n
	}
	d := time.Duration(timeout) * time.Second
	if s.opts.maxWait > 0 && s.opts.maxWait < d {
		d = s.opts.maxWait
	}
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			q := s.queue[0]
			s.mu.Unlock()
			return jsonAnswer(http.StatusOK, receiveAnswer{ReceiptID: q.receipt, Body: q.body})
		}
		ch := s.enqueued.C()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return answer{Status: http.StatusOK, Body: []byte("null"), ContentType: fakeapi.ContentJSON}
		case <-r.Context().Done():
			return answer{Status: 499, Body: []byte("Client Closed Request"), ContentType: "text/plain"}
		}
	}
}

// deleteNotification removes a notification by receipt id: {"result":true},
// or false when there is none.
func (s *Server) deleteNotification(_ *http.Request, _ []byte, call *Call) answer {
	id, err := strconv.ParseInt(call.Arg, 10, 64)
	if err != nil {
		return textAnswer(http.StatusBadRequest, "Parameter receiptId must be a Number")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.queue {
		if q.receipt == id {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			return jsonAnswer(http.StatusOK, map[string]bool{"result": true})
		}
	}
	return jsonAnswer(http.StatusOK, map[string]bool{"result": false})
}
