package aitutest

import (
	"encoding/json"
	"net/http"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// Enqueue adds updates (elements built by the Incoming builders or
// NewUpdate) to the queue that GET updates/ serves. A poll answers the
// queue from its head; a poll's lastUpdateId acknowledges the updates up to
// and including that one, which leave the queue. (Aitu documents no
// acknowledgement; this is what its Kotlin SDK's use of lastUpdateId
// implies.)
func (s *Server) Enqueue(updates ...[]byte) {
	copies := make([]json.RawMessage, len(updates))
	for i, u := range updates {
		copies[i] = append(json.RawMessage(nil), u...)
	}
	s.queue.Push(copies...)
}

// Pending returns how many updates the queue holds.
func (s *Server) Pending() int { return s.queue.Len() }

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
	s.mu.Unlock()
	if last := r.URL.Query().Get("lastUpdateId"); last != "" {
		s.queue.Update(func(qs []json.RawMessage) []json.RawMessage {
			for i, q := range qs {
				var id queuedID
				if json.Unmarshal(q, &id) == nil && id.UpdateID == last {
					return append([]json.RawMessage(nil), qs[i+1:]...)
				}
			}
			return qs
		})
	}
	defer func() {
		s.mu.Lock()
		s.polling = false
		s.mu.Unlock()
	}()
	batch, err := s.queue.Wait(r.Context(), s.opts.MaxWait, maxBatch)
	switch {
	case err != nil:
		return answer{Status: http.StatusGatewayTimeout, Body: []byte("Gateway timeout"), ContentType: "text/plain"}
	case len(batch) == 0:
		return answer{Status: http.StatusOK, Body: []byte(`{"updates":[]}`), ContentType: fakeapi.ContentJSON}
	}
	return jsonAnswer(http.StatusOK, map[string]any{"updates": batch})
}
