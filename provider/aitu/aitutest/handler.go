package aitutest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/provider/aitu"
)

// maxBatch caps the updates one poll answers.
const maxBatch = 100

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// answer is what a handler responds.
type answer = fakeapi.Answer

var jsonAnswer = fakeapi.JSON

// failure answers an error as Aitu's Spring Boot does: a JSON error body,
// or the plain message with WithPlainTextErrors.
func (s *Server) failure(status int, msg, path string) answer {
	if s.opts.PlainErrors {
		return fakeapi.Text(status, msg)
	}
	return jsonAnswer(status, map[string]any{
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"status":    status,
		"error":     http.StatusText(status),
		"message":   msg,
		"path":      BasePath + path,
	})
}

// defaultMessage is Aitu's text for a failure status.
func defaultMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Token is invalid"
	case http.StatusBadRequest:
		return "Failed to read HTTP message"
	case http.StatusNotFound:
		return "Bot not found"
	case http.StatusConflict:
		return "Duplicate request not allowed in long polling"
	case http.StatusTooManyRequests:
		return "Too many requests"
	case http.StatusInternalServerError:
		return "System error"
	case http.StatusGatewayTimeout:
		return "Gateway timeout"
	}
	return http.StatusText(status)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	call := Call{HTTPMethod: r.Method, Query: r.URL.Query(), Time: time.Now()}
	body, tooLarge, err := fakeapi.ReadBodyUpTo(r, s.bodyLimit(r))
	var a answer
	switch {
	case !strings.HasPrefix(r.URL.Path, BasePath):
		a = s.failure(http.StatusNotFound, "Not Found", strings.TrimPrefix(r.URL.Path, "/"))
	case err != nil:
		a = s.failure(http.StatusBadRequest, "Failed to read HTTP message", "")
	case tooLarge:
		a = s.failure(http.StatusRequestEntityTooLarge, "request entity too large", "")
	default:
		call.Path = strings.TrimPrefix(r.URL.Path, BasePath)
		if !fakeapi.IsForm(r) {
			call.Body = fakeapi.RawBody(body)
		}
		a = s.route(r, body, call.Path)
	}
	call.Status = a.Status
	s.calls.Add(call)
	a.Write(w)
}

func (s *Server) route(r *http.Request, body []byte, path string) answer {
	switch tok := r.Header.Get("X-BOT-TOKEN"); {
	case tok == "":
		return s.failure(http.StatusUnauthorized, "Token is not specified", path)
	case tok != s.Token:
		return s.failure(http.StatusUnauthorized, "Token is invalid", path)
	}
	if f, ok := s.fails.Take(); ok {
		msg := f.Body
		if msg == "" {
			msg = defaultMessage(f.Status)
		}
		a := s.failure(f.Status, msg, path)
		a.RetryAfter = f.RetryAfter
		return a
	}
	p := strings.TrimSuffix(path, "/")
	switch {
	case p == "updates" && r.Method == http.MethodPost:
		return s.commands(body, path)
	case p == "updates" && r.Method == http.MethodGet:
		return s.poll(r, path)
	case p == "webhook":
		return s.webhookCall(r, body, path)
	case p == "upload" && r.Method == http.MethodPost:
		return s.upload(r, body, path)
	case p == "download" && r.Method == http.MethodGet:
		return s.download(r.URL.Query().Get("fileId"), path)
	case p == "getMe" && r.Method == http.MethodGet:
		return jsonAnswer(http.StatusOK, map[string]string{"botId": "00000000-0000-4000-8000-000000000001", "name": "Sandbox Bot", "username": "sandbox_bot"})
	}
	return s.failure(http.StatusNotFound, "Not Found", path)
}

// commands serves POST updates/.
func (s *Server) commands(body []byte, path string) answer {
	var req struct {
		Commands []json.RawMessage `json:"commands"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return s.failure(http.StatusBadRequest, "Failed to read HTTP message", path)
	}
	if len(req.Commands) == 0 {
		return s.failure(http.StatusBadRequest, "commands must not be empty", path)
	}
	if len(req.Commands) > aitu.MaxCommands {
		return s.failure(http.StatusBadRequest, "maximum commands length is 10", path)
	}
	cmds := make([]SentMessage, 0, len(req.Commands))
	for i, raw := range req.Commands {
		var c aitu.Command
		if err := json.Unmarshal(raw, &c); err != nil {
			return s.failure(http.StatusBadRequest, "Failed to read HTTP message", path)
		}
		if msg := s.check(&c); msg != "" {
			return s.failure(http.StatusBadRequest, fmt.Sprintf("commands[%d].%s", i, msg), path)
		}
		cmds = append(cmds, SentMessage{Command: c, MessageID: NewUUID()})
	}
	s.sent.Add(cmds...)
	for _, c := range cmds {
		s.opts.Sent(c)
		if c.LocalID != "" {
			s.deliver(s.messageIDAssigned(c))
		}
	}
	return jsonAnswer(http.StatusOK, struct{}{})
}

// check validates a command as Aitu's bean validation does; it returns
// the message of the first violation, or "".
func (s *Server) check(c *aitu.Command) string {
	switch c.Recipient.Type {
	case aitu.PeerUser, aitu.PeerGroup, aitu.PeerChannel, aitu.PeerBot:
	default:
		return fmt.Sprintf("recipient.type %q is not a valid peer type", c.Recipient.Type)
	}
	if !uuidPattern.MatchString(c.Recipient.ID) {
		return "recipient.id is not a valid UUID"
	}
	s.mu.Lock()
	known, ok := s.peers[c.Recipient.ID]
	s.mu.Unlock()
	if ok && known != c.Recipient.Type {
		return "recipient: Peer type and Peer ID specified in request doesn't match"
	}
	if len(c.LocalID) > aitu.MaxLocalIDLength {
		return "localId length should be <= 255"
	}
	switch c.Type {
	case aitu.CommandSendMessage:
		if c.Content == nil {
			return "content must not be null"
		}
		if len(utf16.Encode([]rune(*c.Content))) > aitu.MaxTextLength {
			return "content length should be <= 4096"
		}
		if c.ReplyToMessageID != "" && !uuidPattern.MatchString(c.ReplyToMessageID) {
			return "replyToMessageId is not a valid Time UUID"
		}
		if msg := s.checkMedia(c.MediaList); msg != "" {
			return msg
		}
	case aitu.CommandSendContactMessage:
		m := c.InputMedia
		if m == nil {
			return "inputMedia must not be null"
		}
		switch m.ContactType {
		case aitu.ContactUnregistered:
		case aitu.ContactRegistered:
			if !uuidPattern.MatchString(m.UserID) {
				return "inputMedia.userId is not a valid UUID"
			}
		default:
			return fmt.Sprintf("inputMedia.contactType %q is not valid", m.ContactType)
		}
		if c.Recipient.Type == aitu.PeerBot {
			return "Sending contact messages from service to service is not available"
		}
	default:
		return fmt.Sprintf("type %q is not a command this server knows", c.Type)
	}
	return ""
}

func (s *Server) messageIDAssigned(c SentMessage) []byte {
	b, _ := json.Marshal(map[string]any{
		"updateId": NewUUID(),
		"type":     aitu.TypeMessageIDAssigned,
		"localId":  c.LocalID,
		"dialog":   map[string]string{"type": c.Recipient.Type, "id": c.Recipient.ID},
		"id":       c.MessageID,
	})
	return b
}

// deliver hands an update the server produced to the bot: posted to the
// webhook in the background while one is set, queued for polling
// otherwise.
func (s *Server) deliver(update []byte) {
	s.mu.Lock()
	hook := s.webhook
	s.mu.Unlock()
	if hook == "" {
		s.Enqueue(update)
		return
	}
	s.base.PushLater(hook, Batch(update))
}

// webhookCall serves webhook/: POST sets, GET reads, DELETE removes.
func (s *Server) webhookCall(r *http.Request, body []byte, path string) answer {
	switch r.Method {
	case http.MethodPost:
		var req struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return s.failure(http.StatusBadRequest, "Failed to read HTTP message", path)
		}
		if len(req.URL) > aitu.MaxWebhookURLLength {
			return s.failure(http.StatusBadRequest, "Size of url should be <= 200", path)
		}
		u, err := url.Parse(req.URL)
		switch {
		case req.URL == "":
			return s.failure(http.StatusBadRequest, "UNSPECIFIED", path)
		case err != nil:
			return s.failure(http.StatusBadRequest, "ILLEGAL_CHARACTER", path)
		case u.Scheme != "https" && u.Scheme != "http":
			return s.failure(http.StatusBadRequest, "INVALID_PROTOCOL", path)
		case u.Host == "":
			return s.failure(http.StatusBadRequest, "INVALID_HOST", path)
		}
		s.SetWebhook(req.URL)
		return jsonAnswer(http.StatusOK, struct{}{})
	case http.MethodGet:
		return jsonAnswer(http.StatusOK, map[string]string{"url": s.Webhook()})
	case http.MethodDelete:
		s.SetWebhook("")
		return jsonAnswer(http.StatusOK, struct{}{})
	}
	return s.failure(http.StatusMethodNotAllowed, "Method Not Allowed", path)
}

// download serves download/?fileId=.
func (s *Server) download(id, path string) answer {
	f, ok := s.files.Get(id)
	if !ok {
		return s.failure(http.StatusNotFound, "File not found", path)
	}
	return answer{Status: http.StatusOK, Body: f.Data, ContentType: f.MIME}
}
