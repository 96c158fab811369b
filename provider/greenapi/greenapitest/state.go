package greenapitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cardbot/cardbot/provider/greenapi"
)

// instanceState is the state getStateInstance answers.
type instanceState struct {
	mu    sync.Mutex
	state string // "" is authorized
}

// SetState sets the state getStateInstance answers from now on
// (greenapi.StateNotAuthorized, greenapi.StateBlocked, …; "" or
// greenapi.StateAuthorized for a working instance), and returns the
// stateInstanceChanged notification GREEN-API would send about the change,
// for Push to deliver to a bot.
func (s *Server) SetState(state string) []byte {
	if state == "" {
		state = greenapi.StateAuthorized
	}
	s.instState.mu.Lock()
	s.instState.state = state
	s.instState.mu.Unlock()
	return s.StateInstanceChanged(state)
}

// State returns the state getStateInstance answers.
func (s *Server) State() string {
	s.instState.mu.Lock()
	defer s.instState.mu.Unlock()
	if s.instState.state == "" {
		return greenapi.StateAuthorized
	}
	return s.instState.state
}

// StateInstanceChanged returns a stateInstanceChanged notification of the
// instance with state, as GREEN-API sends it.
func (s *Server) StateInstanceChanged(state string) []byte {
	return s.event("stateInstanceChanged", map[string]any{"stateInstance": state})
}

// QuotaExceeded returns a quotaExceeded notification of the instance: its
// correspondents quota spent, as the documentation's example.
func (s *Server) QuotaExceeded() []byte {
	return s.event("quotaExceeded", map[string]any{"quotaData": map[string]any{
		"method": "correspondents", "used": 3, "total": 3, "status": "CORRESPONDENTS_QUOTA_EXCEEDED",
		"description": "Monthly quota has been exceeded. You can only send or receive messages from following chats: ...",
	}})
}

// event builds a notification about the instance itself.
func (s *Server) event(typeWebhook string, fields map[string]any) []byte {
	id, _ := strconv.ParseInt(s.IDInstance, 10, 64)
	body := map[string]any{
		"typeWebhook":  typeWebhook,
		"instanceData": map[string]any{"idInstance": id, "wid": "79990000000@c.us", "typeInstance": s.typeInstance()},
		"timestamp":    time.Now().Unix(),
	}
	for k, v := range fields {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	return b
}

// getStateInstance answers the state SetState set.
func (s *Server) getStateInstance(*http.Request, []byte, *Call) answer {
	return jsonAnswer(http.StatusOK, map[string]string{"stateInstance": s.State()})
}
