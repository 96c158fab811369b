package aitu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// DecodeWebhook turns a body of the Bot API, {"updates":[…]} (a webhook
// request, or the answer to a poll), into updates, one per element, in
// order. An empty batch gives none and no error.
//
// Chats are "<PEERTYPE>:<uuid>" (see ChatID) with their cardbot.ChatKind,
// so that a reply goes to the same kind of dialog; senders are the user's
// UUID and name.
//
//   - Message is cardbot.KindMessage: Text is the content; ReplyTo the
//     replied message; Forwarded is set by forwardMetadata. Its media fill
//     Contacts (UnregisteredContact and RegisteredContact, as names and a
//     phone; a registered one also carries its user id in
//     Accounts[contactcard.MessengerAitu]) and Document (the first file:
//     Document, Image, Video, Audio, Music, Gif, with its fileId as ID, for
//     Download). Message.Type is "Message", or the type of the first media.
//   - MessageIdAssigned is cardbot.KindStatus, the answer to a command the
//     bot sent with a localId: Status.MessageID is that localId (the ID of
//     the SentMessage that Send returned), Status.Name is "assigned"
//     (StatusAssigned) and Status.Description is the id Aitu gave the
//     message. Its chat is the update's dialog, or else the one the
//     command went to, which the client remembers for 15 minutes
//     (decoding does not forget it: a redelivered MessageIdAssigned
//     decodes the same).
//   - MessageEdited is cardbot.KindEdit: Message.Text is the new content,
//     and Message.ID and Message.Replaces are the edited message's id
//     (Aitu edits a message in place).
//   - QuickButtonSelected and InlineCommandSelected are cardbot.KindMessage
//     with Message.Button: ID is the button's metadata; an inline
//     command's Label is its content and MessageID the message it was
//     under. FormSubmitted, FormClosed and FormMessageSent are
//     cardbot.KindMessage with Message.Form (ID formId, Action, Metadata,
//     Data additionalMetadata, and a FormMessageSent's message as Text).
//     Each needs its dialog, else it is KindOther.
//   - Every other type is cardbot.KindOther with its chat and sender where
//     it has them: InvitedToGroup and KickedFromGroup (the group), the
//     channel updates (the channel, and the subscriber or admin as
//     sender), and types this decoder does not know. Details reads their
//     fields from Raw.
//
// Every update keeps its element as Raw. Its dedup key is its updateId, or
// "<type>|<messageId>" (localId for MessageIdAssigned) when it has none.
//
// A body that is not a JSON object with an "updates" array, or whose array
// holds something other than objects, gives an error that wraps
// cardbot.ErrMalformedUpdate. An element of a known type that lacks what
// the type needs (a Message without a dialog) is not an error: it becomes
// KindOther, so that one odd element does not cost the others.
func (c *Client) DecodeWebhook(body []byte) ([]cardbot.Update, error) {
	updates, _, err := c.decodeBatch(body)
	return updates, err
}

// decodeBatch decodes a body and returns the updateId of each update too.
func (c *Client) decodeBatch(body []byte) ([]cardbot.Update, []string, error) {
	elems, err := splitBatch(body)
	if err != nil {
		return nil, nil, err
	}
	updates := make([]cardbot.Update, 0, len(elems))
	ids := make([]string, 0, len(elems))
	for _, raw := range elems {
		u, id := c.decodeOne(raw)
		updates = append(updates, u)
		ids = append(ids, id)
	}
	return updates, ids, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("aitu: %w: %s", cardbot.ErrMalformedUpdate, fmt.Sprintf(format, args...))
}

// splitBatch returns the elements of {"updates":[…]}, without nulls.
func splitBatch(body []byte) ([]jsontext.Value, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, malformed("want a JSON object")
	}
	var env struct {
		Updates jsontext.Value `json:"updates"`
	}
	if err := wirejson.Unmarshal(body, &env); err != nil {
		return nil, malformed("%v", err)
	}
	if len(env.Updates) == 0 {
		return nil, malformed(`no "updates"`)
	}
	if isNull(env.Updates) {
		return nil, nil
	}
	var elems []jsontext.Value
	if err := wirejson.Unmarshal(env.Updates, &elems); err != nil {
		return nil, malformed(`"updates" is not an array`)
	}
	out := elems[:0]
	for i, e := range elems {
		e = bytes.TrimSpace(e)
		if isNull(e) {
			continue
		}
		if e[0] != '{' {
			return nil, malformed("update %d is not an object", i)
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeOne decodes one element and returns its updateId; it never fails.
// raw is its own copy of the element (wirejson copies each), kept as Raw.
func (c *Client) decodeOne(raw jsontext.Value) (cardbot.Update, string) {
	u := cardbot.Update{
		Provider: c.cfg.Name,
		Kind:     cardbot.KindOther,
		Raw:      json.RawMessage(raw),
	}
	var d UpdateData
	if err := wirejson.Unmarshal(raw, &d); err != nil {
		// Fields of an unknown type, or of the wrong JSON type: keep what
		// every update has.
		var p probe
		_ = wirejson.Unmarshal(raw, &p)
		u.Key = key(p.UpdateID, p.Type, p.MessageID)
		return u, p.UpdateID
	}
	u.Key = key(d.UpdateID, d.Type, d.MessageID)
	switch d.Type {
	case TypeMessage:
		if d.Dialog == nil || d.Dialog.ID == "" {
			break
		}
		u.Kind = cardbot.KindMessage
		u.Chat = chatOf(d.Dialog)
		author := d.Author
		if author == nil {
			author = d.ChannelPostAuthor
		}
		u.Sender = userOf(author)
		u.Message = messageOf(&d)
		u.Time = parseTime(d.SentAt)
	case TypeMessageIDAssigned:
		if d.LocalID == "" {
			break
		}
		u.Key = key(d.UpdateID, d.Type, d.LocalID)
		chat, known := c.pending.lookup(d.LocalID)
		if d.Dialog != nil && d.Dialog.ID != "" {
			chat = chatOf(d.Dialog)
		} else if !known {
			break
		}
		u.Kind = cardbot.KindStatus
		u.Chat = chat
		u.Status = &cardbot.Status{MessageID: d.LocalID, Name: StatusAssigned, Description: d.ID}
	case TypeInvitedToGroup, TypeKickedFromGroup:
		u.Chat = chatOf(&Peer{Type: PeerGroup, ID: d.GroupID})
	case TypeInvitedToChannel, TypeKickedFromChannel, TypeChannelPermissionsRevoked:
		u.Chat = chatOf(&Peer{Type: PeerChannel, ID: d.ChannelID})
	case TypeNewChannelSubscriber:
		u.Chat = chatOf(&Peer{Type: PeerChannel, ID: d.ChannelID})
		u.Sender = userOf(d.Peer)
	case TypeChannelAdminAdded, TypeChannelAdminDeleted:
		u.Chat = chatOf(&Peer{Type: PeerChannel, ID: d.ChannelID})
		u.Sender = userOf(d.Admin)
	case TypeChannelPermissionsGranted:
		if d.Channel != nil {
			ch := *d.Channel
			ch.Type = PeerChannel
			u.Chat = chatOf(&ch)
		}
	default:
		// MessageEdited, QuickButtonSelected, InlineCommandSelected, forms
		// and unknown types: the dialog and who acted, where present; the
		// known ones typed (decode_kinds.go) when they have a dialog.
		u.Chat = chatOf(d.Dialog)
		switch {
		case d.Sender != nil:
			u.Sender = userOf(d.Sender)
		case d.Author != nil:
			u.Sender = userOf(d.Author)
		}
		u.Time = parseTime(d.SentAt)
		if d.Dialog != nil && d.Dialog.ID != "" {
			u.Kind, u.Message = typed(&d)
		}
	}
	return u, d.UpdateID
}

// key is the dedup key: the updateId, else type|id.
func key(updateID, typ, id string) string {
	if updateID != "" {
		return updateID
	}
	if id == "" {
		return ""
	}
	return typ + "|" + id
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// messageOf maps a Message update to cardbot's Message.
func messageOf(d *UpdateData) *cardbot.Message {
	m := &cardbot.Message{ID: d.MessageID, Type: TypeMessage, Text: d.Content}
	if d.ReplyToMessageID != "" {
		m.ReplyTo = &cardbot.Quote{ID: d.ReplyToMessageID}
	}
	m.Forwarded = d.ForwardMetadata != nil
	for i := range d.Media {
		md := &d.Media[i]
		if i == 0 && md.Type != "" {
			m.Type = md.Type
		}
		switch md.Type {
		case MediaUnregisteredContact:
			m.Contacts = append(m.Contacts, cardbot.VCardRef{
				DisplayName: strings.TrimSpace(md.FirstName + " " + md.LastName),
				FirstName:   md.FirstName,
				LastName:    md.LastName,
				Phone:       md.PhoneNumber,
			})
		case MediaRegisteredContact:
			if md.User == nil {
				continue
			}
			u := md.User
			ref := cardbot.VCardRef{
				DisplayName: strings.TrimSpace(u.FirstName + " " + u.LastName),
				FirstName:   u.FirstName,
				LastName:    u.LastName,
				Phone:       accountPhone(u.PhoneNumber),
			}
			if ref.DisplayName == "" {
				ref.DisplayName = strings.TrimPrefix(u.Username, "@")
			}
			if u.ID != "" {
				ref.Accounts = map[string]string{contactcard.MessengerAitu: u.ID}
			}
			m.Contacts = append(m.Contacts, ref)
		default:
			if md.FileID != "" && m.Document == nil {
				m.Document = &cardbot.Document{ID: md.FileID, FileName: md.Name, MIMEType: md.MIMEType, Size: md.Size}
			}
		}
	}
	return m
}

// accountPhone returns the phone number of an Aitu account as the number
// it is: Aitu gives it as international digits, with "+" or without
// ("+77011234567", "77011234567"), so digits alone get their "+" back and
// are read in their own country, not guessed in a default region ("48…" is
// a Polish number, not a Kazakh one). Anything else stays as it is.
func accountPhone(s string) string {
	t := strings.TrimSpace(s)
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return s
	}
	return "+" + t
}
