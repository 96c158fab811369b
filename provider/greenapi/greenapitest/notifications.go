package greenapitest

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Incoming is a message from a user, to build a webhook body with
// IncomingText, IncomingContact, IncomingMAXContact,
// IncomingTelegramContact or IncomingDocument. A WithMAX server builds
// MAX's notifications (typeInstance "v3"), a WithTelegram server
// Telegram's (typeInstance "telegram").
type Incoming struct {
	// ChatID is the chat ("79001234567@c.us", a hidden number
	// "120650379300963@lid"; on MAX and Telegram "10000000", a group
	// "-10000000000000"); the sender too, for a private chat.
	ChatID string
	// Sender is the sender in a group chat; for a private chat it is
	// ChatID when empty.
	Sender string
	// SenderName is the sender's name; "Sandbox User" when empty.
	SenderName string
	// SenderPhone is the sender's phone digits, sent on MAX and Telegram
	// as senderPhoneNumber when set.
	SenderPhone string
	// IDMessage is the message id; a new one when empty.
	IDMessage string
}

// IncomingText returns the incomingMessageReceived webhook body of a text
// message, in the form GREEN-API sends.
func (s *Server) IncomingText(in Incoming, text string) []byte {
	return s.incoming(in, map[string]any{
		"typeMessage":     "textMessage",
		"textMessageData": map[string]any{"textMessage": text},
	})
}

// IncomingContact returns the webhook body of a contactMessage carrying
// one vCard.
func (s *Server) IncomingContact(in Incoming, displayName, vcard string) []byte {
	return s.incoming(in, map[string]any{
		"typeMessage": "contactMessage",
		"contactMessageData": map[string]any{
			"displayName": displayName, "vcard": vcard, "isForwarded": false, "forwardingScore": 0,
		},
	})
}

// IncomingMAXContact returns the webhook body of a MAX contactMessage:
// the shared contact's MAX chat id, its phone digits (sent as a JSON
// number; left out when empty) and display name, with an empty vcard, as
// MAX sends them. Use it with a WithMAX server.
func (s *Server) IncomingMAXContact(in Incoming, displayName, contactChatID, phone string) []byte {
	data := map[string]any{
		"chatId": contactChatID, "urlAvatar": "", "displayName": displayName, "vcard": "",
		"isForwarded": false, "forwardingScore": 0,
	}
	if phone != "" {
		data["phoneNumber"] = numberOrString(phone)
	}
	return s.incoming(in, map[string]any{"typeMessage": "contactMessage", "contactMessageData": data})
}

// IncomingDocument registers data as the file of a new message (served at
// its downloadUrl and by downloadFile) and returns the webhook body of the
// documentMessage.
func (s *Server) IncomingDocument(in Incoming, fileName, mime string, data []byte) []byte {
	in = s.fill(in)
	u := s.AddMessageFile(in.ChatID, in.IDMessage, fileName, mime, data)
	return s.incoming(in, map[string]any{
		"typeMessage": "documentMessage",
		"fileMessageData": map[string]any{
			"downloadUrl": u, "caption": "", "fileName": fileName, "jpegThumbnail": "",
			"mimeType": mime, "isForwarded": false, "forwardingScore": 0,
		},
	})
}

func (s *Server) fill(in Incoming) Incoming {
	if in.SenderName == "" {
		in.SenderName = "Sandbox User"
	}
	if in.IDMessage == "" {
		s.mu.Lock()
		in.IDMessage = s.nextID()
		s.mu.Unlock()
	}
	return in
}

func (s *Server) incoming(in Incoming, messageData map[string]any) []byte {
	in = s.fill(in)
	sender := in.Sender
	private := strings.HasSuffix(in.ChatID, "@c.us") || strings.HasSuffix(in.ChatID, "@lid")
	typeInstance := s.typeInstance()
	numeric := s.opts.max || s.opts.telegram
	if numeric {
		private = maxChatIDPattern.MatchString(in.ChatID) && !strings.HasPrefix(in.ChatID, "-")
	}
	if sender == "" && private {
		sender = in.ChatID
	}
	senderData := map[string]any{
		"chatId": in.ChatID, "sender": sender, "chatName": in.SenderName,
		"senderName": in.SenderName, "senderContactName": "",
	}
	if numeric && in.SenderPhone != "" {
		senderData["senderPhoneNumber"] = numberOrString(in.SenderPhone)
	}
	id, _ := strconv.ParseInt(s.IDInstance, 10, 64)
	b, _ := json.Marshal(map[string]any{
		"typeWebhook": "incomingMessageReceived",
		"instanceData": map[string]any{
			"idInstance": id, "wid": "79990000000@c.us", "typeInstance": typeInstance,
		},
		"timestamp":   time.Now().Unix(),
		"idMessage":   in.IDMessage,
		"senderData":  senderData,
		"messageData": messageData,
	})
	return b
}

// numberOrString is digits as a JSON number, as MAX sends phone numbers;
// anything else stays a string.
func numberOrString(s string) any {
	if maxChatIDPattern.MatchString(s) && !strings.HasPrefix(s, "-") {
		return json.Number(s)
	}
	return s
}

// typeInstance is the instanceData.typeInstance of the instance the
// server plays.
func (s *Server) typeInstance() string {
	switch {
	case s.opts.max:
		return "v3"
	case s.opts.telegram:
		return "telegram"
	}
	return "whatsapp"
}
