package greenapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cardbot/cardbot/provider/greenapi"
)

// WithTelegram makes the server play a GREEN-API Telegram instance: no
// "/v3" prefix, numeric chat ids (negative for groups) or
// "<digits>@c.us" for a phone number, and nothing else; texts of at most
// 4 096 characters and captions of at most 1 024; sendContact with
// contact{phoneContact (an integer), firstName (required), lastName,
// company} and no other field; numeric message ids and webhooks of
// typeInstance "telegram". Config then sets Messenger to
// greenapi.Telegram.
func WithTelegram() Option {
	return func(o *options) {
		o.telegram, o.max = true, false
		o.prefix = ""
		o.maxTextLength = greenapi.TelegramMaxTextLength
	}
}

// telegramChatIDPattern is a Telegram chat id, negative for a group, or a
// phone number in the "<digits>@c.us" form GREEN-API keeps for sending to
// one.
var telegramChatIDPattern = regexp.MustCompile(`^(-?[1-9]\d{0,19}|\d{5,20}@c\.us)$`)

// telegramPhonePattern is Telegram's phoneContact as the JSON token must
// be written: an integer of international digits.
var telegramPhonePattern = regexp.MustCompile(`^[1-9]\d{6,14}$`)

// telegramContactFields are the fields Telegram's contact object takes.
var telegramContactFields = []string{"company", "firstName", "lastName", "phoneContact"}

// sendTelegramContact checks Telegram's sendContact.
func (s *Server) sendTelegramContact(m map[string]json.RawMessage, chat string) answer {
	rawContact, ok := m["contact"]
	if !ok {
		return s.invalid("'contact' is required")
	}
	var cm map[string]json.RawMessage
	if err := json.Unmarshal(rawContact, &cm); err != nil || cm == nil {
		return s.invalid("'contact' must be an object")
	}
	var extra []string
	for k := range cm {
		if !slices.Contains(telegramContactFields, k) {
			extra = append(extra, fmt.Sprintf("'contact.%s' is not allowed", k))
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return s.invalid(strings.Join(extra, "; "))
	}
	phone, ok := cm["phoneContact"]
	if !ok {
		return s.invalid("'contact.phoneContact' is required")
	}
	if !telegramPhonePattern.Match(bytes.TrimSpace(phone)) {
		return s.invalid("'contact.phoneContact' must be an integer of international digits")
	}
	var c Contact
	if err := json.Unmarshal(rawContact, &c); err != nil {
		return s.invalid("'contact' names must be strings")
	}
	if strings.TrimSpace(c.FirstName) == "" {
		return s.invalid("'contact.firstName' is required")
	}
	q, bad := s.quoted(m)
	if bad != nil {
		return *bad
	}
	return s.accept(SentMessage{Method: "sendContact", ChatID: chat, QuotedMessageID: q, Contact: &c})
}

// IncomingTelegramContact returns the webhook body of a Telegram
// contactMessage: the contact's phone (phoneContact), first and last
// names as fields, its Telegram chat id when known, and an empty vcard.
// Use it with a WithTelegram server.
func (s *Server) IncomingTelegramContact(in Incoming, firstName, lastName, phone, contactChatID string) []byte {
	return s.incoming(in, map[string]any{"typeMessage": "contactMessage", "contactMessageData": map[string]any{
		"phoneContact": phone, "firstName": firstName, "lastName": lastName, "vcard": "",
		"chatId": contactChatID, "forwardingScore": 0, "isForwarded": false,
	}})
}
