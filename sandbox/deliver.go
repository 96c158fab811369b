package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/cardbot/cardbot/contactcard"
)

// MessageData is a message a sandbox user wrote: the data of a KindMessage
// event.
type MessageData struct {
	// Chat is the chat, as the provider writes it.
	Chat string `json:"chat"`
	// From and FromName are the user's id and name.
	From     string `json:"from"`
	FromName string `json:"fromName"`
	// Text is a text message's text.
	Text string `json:"text,omitempty"`
	// Contacts are the cards of a shared contact, as far as they parse.
	Contacts []SharedContact `json:"contacts,omitempty"`
	// File is an uploaded file.
	File *FileData `json:"file,omitempty"`
}

// SharedContact is a card a user shared: its name and numbers as written.
type SharedContact struct {
	// Name is the card's formatted name.
	Name string `json:"name"`
	// Phones are its numbers as written on the card.
	Phones []string `json:"phones,omitempty"`
}

// FileData is a file a user uploaded.
type FileData struct {
	// Name is the file's name.
	Name string `json:"name"`
	// Size is its length in bytes.
	Size int `json:"size"`
}

// WebhookData is a webhook delivered to the bot: the data of a KindWebhook
// event.
type WebhookData struct {
	// Chat is the chat of the message it carries.
	Chat string `json:"chat"`
	// Body is the webhook's body, as the messenger would post it.
	Body json.RawMessage `json:"body"`
	// Status and Answer are the webhook handler's answer.
	Status int    `json:"status"`
	Answer string `json:"answer,omitempty"`
	// Millis is how long the bot took to answer.
	Millis int64 `json:"ms"`
	// Again says it was delivered again ("deliver again").
	Again bool `json:"again,omitempty"`
}

// delivery is the outcome of a delivery: the answer of the bot's webhook
// handler and the messages the bot sent meanwhile.
type delivery struct {
	Status  int
	Replies []Reply
}

// deliver publishes what the user wrote, delivers body to the messenger's
// webhook handler, and returns the answer with the replies the bot sent
// meanwhile (in async mode the bot may answer later: see the event stream
// or GET …/sent).
func (s *Sandbox) deliver(m *messenger, msg *MessageData, chat string, body []byte) (delivery, error) {
	if !s.enter() {
		return delivery{}, ErrClosed
	}
	defer s.active.Done()
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	again := msg == nil
	if again {
		if m.last == nil {
			return delivery{}, ErrNothingToRedeliver
		}
		chat, body = m.last.chat, m.last.body
	} else {
		s.hub.publish(KindMessage, m.name, msg)
		m.last = &lastDelivery{chat: chat, body: body}
	}
	before := len(m.peer.replies())
	start := time.Now()
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, "/"+string(m.name), bytes.NewReader(body))
	if err != nil {
		return delivery{}, err
	}
	req.RemoteAddr = "127.0.0.1:1"
	req.Header.Set("Content-Type", "application/json")
	m.peer.authorize(req)
	rec := httptest.NewRecorder()
	s.hooks.ServeHTTP(rec, req)
	s.hub.publish(KindWebhook, m.name, WebhookData{
		Chat: chat, Body: jsonOrString(body), Status: rec.Code, Answer: strings.TrimSpace(rec.Body.String()),
		Millis: time.Since(start).Milliseconds(), Again: again,
	})
	s.log.Debug("sandbox: delivered a webhook", "messenger", m.name, "status", rec.Code, "again", again)
	return delivery{Status: rec.Code, Replies: m.peer.replies()[before:]}, nil
}

// jsonOrString keeps a JSON body as it is, and quotes anything else.
func jsonOrString(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

// sharedContacts reads the cards of a vCard for the user's side of the
// chat; a card that does not parse shows as nothing.
func sharedContacts(vcard []byte) []SharedContact {
	cards, _ := contactcard.Parse(bytes.NewReader(vcard))
	var out []SharedContact
	for _, c := range cards {
		sc := SharedContact{Name: c.FormattedName}
		for _, p := range c.Phones {
			sc.Phones = append(sc.Phones, p.Raw)
		}
		out = append(out, sc)
	}
	return out
}
