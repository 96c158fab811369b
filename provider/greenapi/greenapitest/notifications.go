package greenapitest

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Incoming is a message from a WhatsApp user, to build a webhook body
// with IncomingText, IncomingContact or IncomingDocument.
type Incoming struct {
	// ChatID is the chat ("79001234567@c.us"); the sender too, for a
	// private chat.
	ChatID string
	// SenderName is the sender's WhatsApp name; "Sandbox User" when empty.
	SenderName string
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
	sender := in.ChatID
	if !strings.HasSuffix(in.ChatID, "@c.us") {
		sender = ""
	}
	id, _ := strconv.ParseInt(s.IDInstance, 10, 64)
	b, _ := json.Marshal(map[string]any{
		"typeWebhook": "incomingMessageReceived",
		"instanceData": map[string]any{
			"idInstance": id, "wid": "79990000000@c.us", "typeInstance": "whatsapp",
		},
		"timestamp": time.Now().Unix(),
		"idMessage": in.IDMessage,
		"senderData": map[string]any{
			"chatId": in.ChatID, "sender": sender, "chatName": in.SenderName,
			"senderName": in.SenderName, "senderContactName": "",
		},
		"messageData": messageData,
	})
	return b
}
