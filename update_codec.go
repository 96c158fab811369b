package cardbot

import (
	"encoding/json"
	"fmt"
	"time"
)

// updateVersion is the version of the encoding EncodeUpdate writes.
const updateVersion = 1

// storedUpdate is an Update as a Queue stores it. Raw is kept as JSON when
// it is valid JSON, and as a string when it is not, so that nothing the
// provider sent is lost either way.
type storedUpdate struct {
	V        int               `json:"v"`
	Provider string            `json:"provider"`
	Kind     UpdateKind        `json:"kind"`
	Key      string            `json:"key,omitempty"`
	Chat     Chat              `json:"chat"`
	Sender   User              `json:"sender"`
	Message  *Message          `json:"message,omitempty"`
	Status   *Status           `json:"status,omitempty"`
	Time     time.Time         `json:"time"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	RawText  *string           `json:"rawText,omitempty"`
	Trace    map[string]string `json:"trace,omitempty"`
}

// EncodeUpdate encodes u for a Queue; DecodeUpdate reads it back.
func EncodeUpdate(u *Update) ([]byte, error) {
	s := storedUpdate{
		V: updateVersion, Provider: u.Provider, Kind: u.Kind, Key: u.Key,
		Chat: u.Chat, Sender: u.Sender, Message: u.Message, Status: u.Status,
		Time: u.Time, Trace: u.Trace,
	}
	if len(u.Raw) > 0 {
		if json.Valid(u.Raw) {
			s.Raw = u.Raw
		} else {
			text := string(u.Raw)
			s.RawText = &text
		}
	}
	b, err := json.Marshal(&s)
	if err != nil {
		return nil, fmt.Errorf("cardbot: encoding an update: %w", err)
	}
	return b, nil
}

// DecodeUpdate decodes what EncodeUpdate encoded into u. It fails, wrapping
// ErrMalformedUpdate, on anything else.
func DecodeUpdate(b []byte, u *Update) error {
	var s storedUpdate
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: stored update: %w", ErrMalformedUpdate, err)
	}
	if s.V != updateVersion {
		return fmt.Errorf("%w: stored update of version %d, want %d", ErrMalformedUpdate, s.V, updateVersion)
	}
	*u = Update{
		Provider: s.Provider, Kind: s.Kind, Key: s.Key, Chat: s.Chat, Sender: s.Sender,
		Message: s.Message, Status: s.Status, Time: s.Time, Raw: s.Raw, Trace: s.Trace,
	}
	if s.RawText != nil {
		u.Raw = json.RawMessage(*s.RawText)
	}
	return nil
}
