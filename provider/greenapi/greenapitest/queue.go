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
	s.receipt++ // pushed under mu: the queue is in the order of receipts
	s.queue.Push(queued{receipt: s.receipt, body: append(json.RawMessage(nil), notification...)})
	return s.receipt
}

// Pending returns how many notifications the queue holds.
func (s *Server) Pending() int { return s.queue.Len() }

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
	if s.opts.MaxWait > 0 && s.opts.MaxWait < d {
		d = s.opts.MaxWait
	}
	head, err := s.queue.Wait(r.Context(), d, 1)
	switch {
	case err != nil:
		return answer{Status: 499, Body: []byte("Client Closed Request"), ContentType: "text/plain"}
	case len(head) == 0:
		return answer{Status: http.StatusOK, Body: []byte("null"), ContentType: fakeapi.ContentJSON}
	}
	return jsonAnswer(http.StatusOK, receiveAnswer{ReceiptID: head[0].receipt, Body: head[0].body})
}

// deleteNotification removes a notification by receipt id: {"result":true},
// or false when there is none.
func (s *Server) deleteNotification(_ *http.Request, _ []byte, call *Call) answer {
	id, err := strconv.ParseInt(call.Arg, 10, 64)
	if err != nil {
		return textAnswer(http.StatusBadRequest, "Parameter receiptId must be a Number")
	}
	found := false
	s.queue.Update(func(qs []queued) []queued {
		for i, q := range qs {
			if q.receipt == id {
				found = true
				return append(qs[:i:i], qs[i+1:]...)
			}
		}
		return qs
	})
	return jsonAnswer(http.StatusOK, map[string]bool{"result": found})
}
