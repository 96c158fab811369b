package aitutest

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/cardbot/cardbot/provider/aitu"
)

// Incoming is a message from an Aitu user, to build an update with
// IncomingText, IncomingUnregisteredContact, IncomingRegisteredContact or
// IncomingDocument.
type Incoming struct {
	// ChatID is the dialog as aitu.ChatID writes it ("USER:<uuid>",
	// "GROUP:<uuid>", "CHANNEL:<uuid>"); a new USER dialog when empty. The
	// builder tells the server the dialog's peer type (AddPeer).
	ChatID string
	// SenderID is the author's user id: the dialog's id in a USER dialog,
	// a new one elsewhere, when empty.
	SenderID string
	// SenderName is the author's first name; "Sandbox User" when empty.
	SenderName string
	// MessageID is the message id; a new one when empty.
	MessageID string
	// ReplyTo is the id of the message this one answers, or empty.
	ReplyTo string
	// Title is the group's or channel's name, or empty.
	Title string
}

// Batch wraps updates into the body Aitu posts to webhooks and answers
// polls with: {"updates":[…]}.
func Batch(updates ...[]byte) []byte {
	raws := make([]json.RawMessage, len(updates))
	for i, u := range updates {
		raws[i] = u
	}
	b, _ := json.Marshal(map[string]any{"updates": raws})
	return b
}

// NewUpdate returns an update of any type: fields plus a new updateId and
// the type. Use it for QuickButtonSelected, InvitedToGroup and the like.
func NewUpdate(typ string, fields map[string]any) []byte {
	m := map[string]any{"updateId": NewUUID(), "type": typ}
	for k, v := range fields {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// IncomingText returns the Message update of a text message.
func (s *Server) IncomingText(in Incoming, text string) []byte {
	return s.message(in, text, []any{})
}

// IncomingUnregisteredContact returns the Message update of a shared
// contact who does not use Aitu: names and a phone as written
// ("+77011234567", "87011234567").
func (s *Server) IncomingUnregisteredContact(in Incoming, firstName, lastName, phone string) []byte {
	return s.message(in, "", []any{map[string]any{
		"type": aitu.MediaUnregisteredContact, "firstName": firstName, "lastName": lastName, "phoneNumber": phone,
	}})
}

// IncomingRegisteredContact returns the Message update of a shared contact
// who uses Aitu; user.ID is a new UUID when empty.
func (s *Server) IncomingRegisteredContact(in Incoming, user aitu.ContactUser) []byte {
	if user.ID == "" {
		user.ID = NewUUID()
	}
	return s.message(in, "", []any{map[string]any{"type": aitu.MediaRegisteredContact, "user": user}})
}

// IncomingDocument registers data as a file (served by download/) and
// returns the Message update of a document message carrying it.
func (s *Server) IncomingDocument(in Incoming, fileName, mime string, data []byte) []byte {
	id := s.AddFile(fileName, mime, data)
	return s.message(in, "", []any{map[string]any{
		"type": aitu.MediaDocument, "fileId": id, "name": fileName, "mimeType": mime, "size": len(data),
	}})
}

func (s *Server) message(in Incoming, content string, media []any) []byte {
	in, dialog := s.fill(in)
	m := map[string]any{
		"updateId":        NewUUID(),
		"type":            aitu.TypeMessage,
		"messageId":       in.MessageID,
		"sentAt":          time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		"author":          s.user(in),
		"dialog":          dialog,
		"content":         content,
		"forwardMetadata": nil,
		"media":           media,
	}
	if in.ReplyTo != "" {
		m["replyToMessageId"] = in.ReplyTo
	}
	b, _ := json.Marshal(m)
	return b
}

// fill returns in with its empty fields filled (see Incoming), and its
// dialog as a Peer object; it tells the server the dialog's peer type.
func (s *Server) fill(in Incoming) (Incoming, map[string]any) {
	peerType, dialogID, ok := strings.Cut(in.ChatID, ":")
	if !ok || dialogID == "" {
		peerType, dialogID = aitu.PeerUser, NewUUID()
	}
	peerType = strings.ToUpper(peerType)
	s.AddPeer(peerType, dialogID)
	if in.SenderID == "" {
		in.SenderID = NewUUID()
		if peerType == aitu.PeerUser {
			in.SenderID = dialogID
		}
	}
	if in.SenderName == "" {
		in.SenderName = "Sandbox User"
	}
	if in.MessageID == "" {
		in.MessageID = NewUUID()
	}
	dialog := map[string]any{"type": peerType, "id": dialogID}
	if in.Title != "" {
		dialog["name"] = in.Title
	}
	return in, dialog
}
