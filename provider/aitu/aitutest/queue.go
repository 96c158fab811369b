package aitutest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// Enqueue adds updates (elements built by the Incoming builders or
// NewUpdate) to the queue that GET updates/ serves. A poll answers the
// queue from its head; a poll's lastUpdateId acknowledges the updates up to
// and including that one, which leave the queue. (Aitu documents no
// acknowledgement; this is what its Kotlin SDK's use of lastUpdateId
// implies.)
func (s *Server) Enqueue(updates ...[]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range updates {
		s.queue = append(s.queue, append(json.RawMessage(nil), u...))
	}
	s.changed.Notify()
}

// Pending returns how many updates the queue holds.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

type queuedID struct {
	UpdateID string `json:"updateId"`
}

// poll serves GET updates/: 400 "Webhook is specified" while a webhook is
// set, 409 while another poll is in flight; else the queue after
// lastUpdateId, waiting up to the poll wait for an update, or
// {"updates":[]}.
func (s *Server) poll(r *http.Request, path string) answer {
	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		return s.failure(http.StatusBadRequest, WebhookSpecified, path)
	}
	if s.polling {
		s.mu.Unlock()
		return s.failure(http.StatusConflict, "Duplicate request not allowed in long polling", path)
	}
	s.polling = true
	if last := r.URL.Query().Get("lastUpdateId"); last != "" {
		for i, q := range s.queue {
			var id queuedID
			if json.Unmarshal(q, &id) == nil && id.UpdateID == last {
				s.queue = append([]json.RawMessage(nil), s.queue[i+1:]...)
				break
			}
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.polling = false
		s.mu.Unlock()
	}()
	deadline := time.NewTimer(s.opts.maxWait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			batch := s.queue[:min(len(s.queue), maxBatch)]
			body := jsonAnswer(http.StatusOK, map[string]any{"updates": batch})
			s.mu.Unlock()
			return body
		}
		ch := s.changed.C()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return answer{Status: http.StatusOK, Body: []byte(`{"updates":[]}`), ContentType: fakeapi.ContentJSON}
		case <-r.Context().Done():
			return answer{Status: http.StatusGatewayTimeout, Body: []byte("Gateway timeout"), ContentType: "text/plain"}
		}
	}
}
