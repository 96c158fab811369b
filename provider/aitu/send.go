package aitu

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf16"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apierr"
)

// Command types and InputContact types the client sends.
const (
	CommandSendMessage        = "SendMessage"
	CommandSendContactMessage = "SendContactMessage"

	ContactRegistered   = "InputRegisteredContact"
	ContactUnregistered = "InputUnregisteredContact"
)

// Command is one element of POST updates/ {"commands":[…]}: the fields of
// SendMessage (with the files of MediaList) and SendContactMessage.
type Command struct {
	Type             string        `json:"type"`
	LocalID          string        `json:"localId,omitempty"`
	Recipient        Peer          `json:"recipient"`
	Content          *string       `json:"content,omitempty"`
	ReplyToMessageID string        `json:"replyToMessageId,omitempty"`
	InputMedia       *InputContact `json:"inputMedia,omitempty"`
	MediaList        []InputMedia  `json:"mediaList,omitempty"`
}

// InputContact is the contact of a SendContactMessage:
// InputRegisteredContact (with the user id of an Aitu user) or
// InputUnregisteredContact.
type InputContact struct {
	ContactType string `json:"contactType"`
	UserID      string `json:"userId,omitempty"`
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// CommandRequest is the body of POST updates/.
type CommandRequest struct {
	Commands []Command `json:"commands"`
}

// Send delivers out to a chat with one POST updates/: a cardbot.Text as
// SendMessage, a cardbot.Contact as SendContactMessage, a cardbot.File as
// an upload/ and then a SendMessage with the file in its mediaList (see
// "Files" in the package documentation). chatID is
// "<PEERTYPE>:<uuid>" (see ChatID and ParseChatID); the recipient keeps
// that peer type.
//
// Every command carries a new localId (a random UUID), which is the
// returned SentMessage.ID; Aitu answers 200 with no id and later sends
// MessageIdAssigned, which DecodeWebhook turns into a status update for
// that localId in the same chat.
//
// Before any request it refuses, with an error that wraps ErrValidation, a
// chat id of the wrong form, an empty text or one over MaxTextLength
// (counted in UTF-16 code units, as Aitu counts), a ReplyTo that is not a
// UUID, and a card without a usable number; that error also wraps
// cardbot.ErrNoUsableNumber and the phone's *contactcard.PhoneError.
//
// A contact is an InputRegisteredContact when the card carries an Aitu user
// id (Accounts[contactcard.MessengerAitu], a UUID), an
// InputUnregisteredContact otherwise. Both carry the names (N's first and
// middle names as firstName and its last name as lastName, else FN, else
// the company as firstName) and the card's PrimaryPhone, as international
// digits, with a "+" when Config.PhonePlus is set. SendContactMessage
// cannot quote: Contact.ReplyTo is ignored.
//
// A send is attempted again (with the same localId) only where its request
// cannot have reached Aitu, or Aitu answered 429; see Config.RetrySends.
func (c *Client) Send(ctx context.Context, chatID string, out cardbot.Outgoing) (cardbot.SentMessage, error) {
	var cmd Command
	switch o := out.(type) {
	case cardbot.Text:
		var err error
		if cmd, err = textCommand(o); err != nil {
			return cardbot.SentMessage{}, err
		}
	case cardbot.Contact:
		contact, err := c.contactOf(o.Card)
		if err != nil {
			return cardbot.SentMessage{}, err
		}
		cmd = Command{Type: CommandSendContactMessage, InputMedia: &contact}
	case cardbot.File:
		return c.sendFile(ctx, chatID, o)
	default:
		return cardbot.SentMessage{}, apierr.Unsendable(invalid, out)
	}
	peer, err := ParseChatID(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	return c.postCommand(ctx, peer, cmd)
}

// postCommand sends cmd to peer with one POST updates/, with a new
// localId, attempted at most once once it may have reached Aitu.
func (c *Client) postCommand(ctx context.Context, peer Peer, cmd Command) (cardbot.SentMessage, error) {
	cmd.Recipient = peer
	cmd.LocalID = newUUID()
	c.pending.add(cmd.LocalID, chatOf(&peer))
	r := c.apiRequest(http.MethodPost, "updates", "updates/", nil, CommandRequest{Commands: []Command{cmd}})
	r.Send = true
	raw, err := c.call(ctx, r)
	if err != nil {
		// The chat stays remembered: a send that failed may still have
		// been delivered, and its MessageIdAssigned may come.
		return cardbot.SentMessage{}, err
	}
	return cardbot.SentMessage{ID: cmd.LocalID, Raw: rawJSON(raw)}, nil
}

// rawJSON is a response body as SentMessage.Raw: nil unless it is JSON.
func rawJSON(b []byte) []byte {
	b = []byte(strings.TrimSpace(string(b)))
	if len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return nil
	}
	return b
}

func textCommand(t cardbot.Text) (Command, error) {
	if strings.TrimSpace(t.Body) == "" {
		return Command{}, invalid("SendMessage: empty text")
	}
	if n := utf16Len(t.Body); n > MaxTextLength {
		return Command{}, refused(fmt.Sprintf("SendMessage: text of %d UTF-16 code units, the limit is %d", n, MaxTextLength),
			&cardbot.TextTooLongError{Length: n, Limit: textLimit})
	}
	if t.ReplyTo != "" && !isUUID(t.ReplyTo) {
		return Command{}, invalid("SendMessage: reply-to id %q is not a UUID", t.ReplyTo)
	}
	body := t.Body
	return Command{Type: CommandSendMessage, Content: &body, ReplyToMessageID: t.ReplyTo}, nil
}

// utf16Len is the length of s in UTF-16 code units, Java's String.length.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // range yields U+FFFD for invalid bytes: 1
	}
	return n
}

// contactOf maps a card to an InputContact.
func (c *Client) contactOf(card contactcard.Card) (InputContact, error) {
	phone, err := apierr.UsablePhone(card, "SendContactMessage", refused)
	if err != nil {
		return InputContact{}, err
	}
	if c.cfg.PhonePlus {
		phone = "+" + phone
	}
	ic := InputContact{ContactType: ContactUnregistered, PhoneNumber: phone}
	if id := strings.TrimSpace(card.Accounts[contactcard.MessengerAitu]); id != "" {
		if !isUUID(id) {
			return InputContact{}, invalid("SendContactMessage: Aitu user id %q of contact %q is not a UUID", id, card.FormattedName)
		}
		ic.ContactType, ic.UserID = ContactRegistered, id
	}
	ic.FirstName = strings.TrimSpace(strings.TrimSpace(card.FirstName) + " " + strings.TrimSpace(card.MiddleName))
	ic.LastName = strings.TrimSpace(card.LastName)
	if ic.FirstName == "" && ic.LastName == "" {
		ic.FirstName = strings.TrimSpace(card.FormattedName)
	}
	if ic.FirstName == "" && ic.LastName == "" {
		ic.FirstName = strings.TrimSpace(card.Company)
	}
	return ic, nil
}
