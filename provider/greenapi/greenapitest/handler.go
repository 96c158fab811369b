package greenapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/retry"
)

// chatIDPattern is the chat ids the server accepts: private
// (<digits>@c.us), groups old and new (<digits>-<digits>@g.us,
// <digits>@g.us) and hidden-number ids (<digits>@lid).
var chatIDPattern = regexp.MustCompile(`^(\d{5,20}@c\.us|\d{5,20}-\d{5,20}@g\.us|\d{10,40}@g\.us|\d{5,40}@lid)$`)

// maxChatIDPattern is MAX's chat ids: a number, negative for a group; a
// person's phone digits for a first message look the same.
var maxChatIDPattern = regexp.MustCompile(`^-?[1-9]\d{0,19}$`)

// maxPhonePattern is checkAccount's phoneNumber: an integer of 11 or 12
// digits, Russian (7) or Belarusian (375).
var maxPhonePattern = regexp.MustCompile(`^(7\d{10}|375\d{8,9})$`)

// phonePattern is phoneContact as the JSON token must be written: an
// integer of 11 or 12 digits.
var phonePattern = regexp.MustCompile(`^[1-9]\d{10,11}$`)

// answer is what a handler responds.
type answer = fakeapi.Answer

var (
	jsonAnswer = fakeapi.JSON
	textAnswer = fakeapi.Text
)

// invalid is a 400 for a request that fails validation.
func (s *Server) invalid(details string) answer {
	msg := "Validation failed. Details: " + details
	if s.opts.PlainErrors {
		return textAnswer(http.StatusBadRequest, msg)
	}
	return jsonAnswer(http.StatusBadRequest, map[string]string{"message": msg})
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	call := Call{HTTPMethod: r.Method, Query: r.URL.Query(), Time: time.Now()}
	// The body is read first: only then does the server notice a client
	// that gave up, and end the delay.
	body, tooLarge, err := fakeapi.ReadBodyUpTo(r, s.bodyLimit(r))
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	_ = retry.Sleep(r.Context(), delay)
	var a answer
	switch {
	case err != nil:
		a = textAnswer(http.StatusBadRequest, "cannot read the body")
	case tooLarge:
		a = textAnswer(http.StatusRequestEntityTooLarge, "request entity too large")
	default:
		call.Body = fakeapi.RawBody(body)
		a = s.route(r, body, &call)
	}
	call.Status = a.Status
	s.calls.Add(call)
	a.Write(w)
}

// route checks the path and the credentials, applies a pending failure
// and calls the method.
func (s *Server) route(r *http.Request, body []byte, call *Call) answer {
	path := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(path, "/files/"); ok {
		call.Method = "file"
		return s.serveFile(r, rest, call)
	}
	if s.opts.prefix != "" {
		rest, ok := strings.CutPrefix(path, s.opts.prefix)
		if !ok {
			return textAnswer(http.StatusNotFound, "Not Found")
		}
		path = rest
	}
	rest, ok := strings.CutPrefix(path, "/waInstance")
	if !ok {
		return textAnswer(http.StatusNotFound, "Not Found")
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 3 || len(parts) > 4 {
		return textAnswer(http.StatusNotFound, "Not Found")
	}
	id, method, token := parts[0], parts[1], parts[2]
	call.Method = method
	if len(parts) == 4 {
		call.Arg = parts[3]
	}
	if id != s.IDInstance {
		return textAnswer(http.StatusForbidden, "Forbidden")
	}
	if token != s.Token {
		return textAnswer(http.StatusUnauthorized, "Unauthorized")
	}
	if f, ok := s.fails.Take(); ok {
		return failureAnswer(f)
	}
	want, handle := s.method(method)
	if handle == nil {
		return textAnswer(http.StatusNotFound, "Not Found")
	}
	if r.Method != want {
		return textAnswer(http.StatusNotFound, "Not Found")
	}
	return handle(r, body, call)
}

type handlerFunc func(r *http.Request, body []byte, call *Call) answer

// method returns the HTTP method and the handler of an API method; the
// names are matched without regard to case, as GREEN-API does.
func (s *Server) method(name string) (string, handlerFunc) {
	switch strings.ToLower(name) {
	case "sendmessage":
		return http.MethodPost, s.sendMessage
	case "sendcontact":
		return http.MethodPost, s.sendContact
	case "sendfilebyupload":
		return http.MethodPost, s.sendFileByUpload
	case "downloadfile":
		return http.MethodPost, s.downloadFile
	case "receivenotification":
		return http.MethodGet, s.receiveNotification
	case "deletenotification":
		return http.MethodDelete, s.deleteNotification
	case "checkaccount":
		if !s.opts.max {
			return "", nil
		}
		return http.MethodPost, s.checkAccount
	case "getcontacts", "addcontact":
		return s.maxContactMethod(name)
	case "setsettings":
		return http.MethodPost, s.setSettings
	case "getsettings":
		return http.MethodGet, s.getSettings
	case "getstateinstance":
		return http.MethodGet, s.getStateInstance
	}
	return "", nil
}

// quotaBody is the 466 body of GREEN-API's documentation.
const quotaBody = `{"invokeStatus":{"method":"sendmessage","used":67,"total":0,"status":"QUOTE_ALLOWED"},` +
	`"correspondentsStatus":{"method":"correspondents","used":3,"total":3,"status":"CORRESPONDENTS_QUOTE_EXCEEDED",` +
	`"description":"Monthly quota has been exceeded. You can only send or receive messages from these numbers: 79001234567@c.us"}}`

func failureAnswer(f Failure) answer {
	a := answer{Status: f.Status, Body: []byte(f.Body), ContentType: f.ContentType, RetryAfter: f.RetryAfter}
	if f.Body == "" {
		switch f.Status {
		case 466:
			a.Body = []byte(quotaBody)
		case 499:
			a.Body = []byte("Client Closed Request")
		case http.StatusBadRequest:
			a.Body = []byte(`{"message":"bad request data"}`)
		default:
			a.Body = []byte(http.StatusText(f.Status))
		}
	}
	if a.ContentType == "" {
		if bytes.HasPrefix(a.Body, []byte("{")) {
			a.ContentType = fakeapi.ContentJSON
		} else {
			a.ContentType = fakeapi.ContentText
		}
	}
	return a
}

// object parses a JSON object body. A body that is not JSON gets the
// plain-text 400 of GREEN-API's JSON parser.
func (s *Server) object(body []byte) (map[string]json.RawMessage, *answer) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		pos := 0
		if se, ok := err.(*json.SyntaxError); ok && se.Offset > 0 {
			pos = int(se.Offset) - 1 // the offending byte, from 0
		}
		a := textAnswer(http.StatusBadRequest, fmt.Sprintf("Unexpected token in JSON at position %d", pos))
		return nil, &a
	}
	return m, nil
}

// str reads an optional string field; ok is false when it is not a string.
func str(m map[string]json.RawMessage, key string) (v string, present, ok bool) {
	raw, present := m[key]
	if !present || string(raw) == "null" {
		return "", false, true
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", true, false
	}
	return v, true, true
}

// chatID checks the chatId field.
func (s *Server) chatID(m map[string]json.RawMessage) (string, *answer) {
	id, present, ok := str(m, "chatId")
	switch {
	case !ok:
		a := s.invalid("'chatId' must be a string")
		return "", &a
	case !present || id == "":
		a := s.invalid("'chatId' is required")
		return "", &a
	case s.opts.max && !maxChatIDPattern.MatchString(id):
		a := s.invalid("'chatId' must be a MAX chat id such as 10000000 or -10000000000000")
		return "", &a
	case s.opts.telegram && !telegramChatIDPattern.MatchString(id):
		a := s.invalid("'chatId' must be a Telegram chat id such as 10000000 or -10000000000000")
		return "", &a
	case !s.opts.max && !s.opts.telegram && !chatIDPattern.MatchString(id):
		a := s.invalid("'chatId' must be a chat id such as 79001234567@c.us")
		return "", &a
	}
	return id, nil
}

func (s *Server) quoted(m map[string]json.RawMessage) (string, *answer) {
	q, _, ok := str(m, "quotedMessageId")
	if !ok {
		a := s.invalid("'quotedMessageId' must be a string")
		return "", &a
	}
	return q, nil
}

func (s *Server) sendMessage(_ *http.Request, body []byte, _ *Call) answer {
	m, bad := s.object(body)
	if bad != nil {
		return *bad
	}
	chat, bad := s.chatID(m)
	if bad != nil {
		return *bad
	}
	text, _, ok := str(m, "message")
	switch {
	case !ok:
		return s.invalid("'message' must be a string")
	case strings.TrimSpace(text) == "":
		return s.invalid("'message' is required")
	case utf8.RuneCountInString(text) > s.opts.maxTextLength:
		return s.invalid(fmt.Sprintf("'message' length must be less than or equal to %d characters long", s.opts.maxTextLength))
	}
	q, bad := s.quoted(m)
	if bad != nil {
		return *bad
	}
	typing, bad := s.typingTime(m)
	if bad != nil {
		return *bad
	}
	return s.accept(SentMessage{Method: "sendMessage", ChatID: chat, Text: text, QuotedMessageID: q, TypingTime: typing})
}

// typingTime checks MAX's optional typingTime: an integer from 1000 to
// 20000 milliseconds. WhatsApp's methods ignore it.
func (s *Server) typingTime(m map[string]json.RawMessage) (int, *answer) {
	raw, ok := m["typingTime"]
	if !s.opts.max || !ok || string(raw) == "null" {
		return 0, nil
	}
	var ms int
	if err := json.Unmarshal(raw, &ms); err != nil || ms < 1000 || ms > 20000 {
		a := s.invalid("'typingTime' must be an integer from 1000 to 20000")
		return 0, &a
	}
	return ms, nil
}

func (s *Server) sendContact(_ *http.Request, body []byte, _ *Call) answer {
	m, bad := s.object(body)
	if bad != nil {
		return *bad
	}
	chat, bad := s.chatID(m)
	if bad != nil {
		return *bad
	}
	switch {
	case s.opts.max:
		return s.sendMAXContact(m, chat)
	case s.opts.telegram:
		return s.sendTelegramContact(m, chat)
	}
	rawContact, ok := m["contact"]
	if !ok {
		return s.invalid("'contact' is required")
	}
	var cm map[string]json.RawMessage
	if err := json.Unmarshal(rawContact, &cm); err != nil || cm == nil {
		return s.invalid("'contact' must be an object")
	}
	phone, ok := cm["phoneContact"]
	if !ok {
		return s.invalid("'contact.phoneContact' is required")
	}
	if !phonePattern.Match(bytes.TrimSpace(phone)) {
		return s.invalid("'contact.phoneContact' must be a number of 11 or 12 digits")
	}
	var c Contact
	if err := json.Unmarshal(rawContact, &c); err != nil {
		return s.invalid("'contact' names must be strings")
	}
	if strings.TrimSpace(c.FirstName+c.MiddleName+c.LastName+c.Company) == "" {
		return s.invalid("'contact' must contain at least one of 'firstName', 'middleName', 'lastName', 'company'")
	}
	q, bad := s.quoted(m)
	if bad != nil {
		return *bad
	}
	return s.accept(SentMessage{Method: "sendContact", ChatID: chat, QuotedMessageID: q, Contact: &c})
}

// sendMAXContact checks MAX's sendContact: contact holds chatId, a
// person's MAX chat id, and nothing else.
func (s *Server) sendMAXContact(m map[string]json.RawMessage, chat string) answer {
	rawContact, ok := m["contact"]
	if !ok {
		return s.invalid("'contact' is required")
	}
	var cm map[string]json.RawMessage
	if err := json.Unmarshal(rawContact, &cm); err != nil || cm == nil {
		return s.invalid("'contact' must be an object")
	}
	var extra []string // sorted, so the answer is the same every time
	for k := range cm {
		if k != "chatId" {
			extra = append(extra, fmt.Sprintf("'contact.%s' is not allowed", k))
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return s.invalid(strings.Join(extra, "; "))
	}
	id, present, ok := str(cm, "chatId")
	switch {
	case !ok:
		return s.invalid("'contact.chatId' must be a string")
	case !present || id == "":
		return s.invalid("'contact.chatId' is required")
	case !maxChatIDPattern.MatchString(id) || strings.HasPrefix(id, "-"):
		return s.invalid("'contact.chatId' must be a person's MAX chat id such as 10000000")
	}
	if _, present := m["quotedMessageId"]; present {
		return s.invalid("'quotedMessageId' is not allowed")
	}
	typing, bad := s.typingTime(m)
	if bad != nil {
		return *bad
	}
	if !s.contacts.has(id) {
		return s.notInBase(id)
	}
	return s.accept(SentMessage{Method: "sendContact", ChatID: chat, Contact: &Contact{ChatID: id}, TypingTime: typing})
}

// checkAccount answers whether a number has a MAX account (AddMAXAccount).
func (s *Server) checkAccount(_ *http.Request, body []byte, _ *Call) answer {
	s.mu.Lock()
	s.checks++
	s.mu.Unlock()
	m, bad := s.object(body)
	if bad != nil {
		return *bad
	}
	raw, ok := m["phoneNumber"]
	if !ok {
		return s.invalid("'phoneNumber' is required")
	}
	phone := string(bytes.TrimSpace(raw))
	if !maxPhonePattern.MatchString(phone) {
		return s.invalid("'phoneNumber' must be an integer of 11 or 12 digits with the code 7 or 375")
	}
	if f, present := m["force"]; present {
		var force bool
		if json.Unmarshal(f, &force) != nil {
			return s.invalid("'force' must be a boolean")
		}
	}
	s.mu.Lock()
	id, exist := s.accounts[phone]
	s.mu.Unlock()
	return jsonAnswer(http.StatusOK, map[string]any{"exist": exist, "chatId": id})
}

// accept records a sent message and answers its id.
func (s *Server) accept(m SentMessage) answer {
	s.mu.Lock()
	m.ID = s.nextID()
	s.sent.Add(m)
	s.mu.Unlock()
	s.opts.Sent(m)
	return jsonAnswer(http.StatusOK, map[string]string{"idMessage": m.ID})
}
