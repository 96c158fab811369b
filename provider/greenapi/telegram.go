package greenapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apierr"
)

// What is particular to GREEN-API's Telegram instances
// (green-api.com/en/telegram/docs/important-differences): numeric chat
// ids, negative for groups, without "@c.us" or "@g.us" (which Telegram
// keeps only to send to a phone number); a sendContact whose contact has a
// required firstName and no middleName; an incoming contactMessage that
// carries the phone and the names as fields.

// resolveTelegramChat returns the Telegram chat id to send to. A Telegram
// chat id, digits with a minus for a group ("10000000",
// "-10000000000000"), passes through; "<digits>@c.us", the form GREEN-API
// keeps on Telegram to send to a phone number, passes through too; anything
// else is read as a phone number ("+7 900 123-45-67") in the default
// region and sent as "<digits>@c.us". A bare string of digits is always a
// chat id, so a phone number must be written with its formatting or as
// +<digits>. Group ("@g.us") and "@lid" ids are WhatsApp's, and refused.
func (c *Client) resolveTelegramChat(id, s string) (string, error) {
	if validMAXChatID(s) {
		return s, nil
	}
	if d, ok := strings.CutSuffix(s, suffixPrivate); ok && allDigits(d) && len(d) >= 5 && len(d) <= 20 {
		return s, nil
	}
	if strings.Contains(s, "@") {
		return "", invalid("chat id %q: Telegram chat ids are numbers (\"10000000\", a group \"-10000000000000\"); only a phone number may be written <digits>@c.us", id)
	}
	n, err := contactcard.Normalize(s, c.cfg.DefaultRegion)
	if err != nil {
		return "", refused(fmt.Sprintf("chat id %q is neither a Telegram chat id nor a usable phone number: %v", id, err), err)
	}
	return n + suffixPrivate, nil
}

// telegramContactPayload is Telegram's contact object of sendContact.
type telegramContactPayload struct {
	PhoneContact int64  `json:"phoneContact"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName,omitempty"`
	Company      string `json:"company,omitempty"`
}

type telegramSendContactRequest struct {
	ChatID          string                 `json:"chatId"`
	Contact         telegramContactPayload `json:"contact"`
	QuotedMessageID string                 `json:"quotedMessageId,omitempty"`
}

// sendTelegramContact sends a card with Telegram's sendContact.
func (c *Client) sendTelegramContact(ctx context.Context, chatID string, ct cardbot.Contact) (cardbot.SentMessage, error) {
	contact, err := telegramContactOf(ct.Card)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	chat, err := c.resolveChat(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	return c.send(ctx, "sendContact", telegramSendContactRequest{ChatID: chat, Contact: contact, QuotedMessageID: ct.ReplyTo})
}

// telegramContactOf maps a card to Telegram's contact object. Telegram
// requires a first name and has no middle name: firstName is N's first
// and middle names, else FN, else the last name alone (which then is not
// sent twice), else the number.
func telegramContactOf(card contactcard.Card) (telegramContactPayload, error) {
	number, err := apierr.UsablePhone(card, "sendContact", refused)
	if err != nil {
		return telegramContactPayload{}, err
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n <= 0 {
		return telegramContactPayload{}, refused(fmt.Sprintf("sendContact: number %q is not international digits", number), cardbot.ErrNoUsableNumber)
	}
	p := telegramContactPayload{
		PhoneContact: n,
		FirstName:    strings.TrimSpace(strings.TrimSpace(card.FirstName) + " " + strings.TrimSpace(card.MiddleName)),
		LastName:     strings.TrimSpace(card.LastName),
		Company:      strings.TrimSpace(card.Company),
	}
	switch {
	case p.FirstName != "":
	case strings.TrimSpace(card.FormattedName) != "":
		p.FirstName = strings.TrimSpace(card.FormattedName)
		if p.FirstName == p.LastName {
			p.LastName = ""
		}
	case p.LastName != "":
		p.FirstName, p.LastName = p.LastName, ""
	default:
		p.FirstName = "+" + number
	}
	return p, nil
}

// captionLimit is the longest caption sendFileByUpload takes, in
// characters: MaxTextLength, and on Telegram at most 1 024.
func (c *Client) captionLimit() int {
	if c.cfg.Messenger == Telegram {
		return min(c.cfg.MaxTextLength, TelegramMaxCaptionLength)
	}
	return c.cfg.MaxTextLength
}

// telegramContactFields are the fields of a Telegram contactMessage
// (contactMessageData) beside chatId and vcard.
type telegramContactFields struct {
	PhoneContact flexString `json:"phoneContact"`
	FirstName    string     `json:"firstName"`
	LastName     string     `json:"lastName"`
}

// isTelegram reports whether a contact has Telegram's shape: its phone or
// names as fields.
func (cd *contactData) isTelegram() bool {
	return cd.PhoneContact != "" || cd.FirstName != "" || cd.LastName != ""
}

// telegramContactRef is a contact of a Telegram contactMessage: its phone
// and names come as fields (phoneContact, firstName, lastName), and its
// vcard ("additional data") may be empty, in which case the card is made
// of the fields. The contact's Telegram chat id, when sent, is kept in
// Accounts[contactcard.MessengerTelegram].
func telegramContactRef(cd *contactData) cardbot.VCardRef {
	ref := cardbot.VCardRef{
		DisplayName: cd.DisplayName,
		FirstName:   cd.FirstName,
		LastName:    cd.LastName,
		Phone:       string(cd.PhoneContact),
	}
	// The vcard is used when it is one and does not lose the number: a
	// vCard without a TEL while phoneContact has one gives way to the
	// fields.
	if v := strings.ToUpper(cd.VCard); strings.Contains(v, "BEGIN:VCARD") && (ref.Phone == "" || strings.Contains(v, "TEL")) {
		ref.VCard = cd.VCard
	}
	if ref.DisplayName == "" {
		ref.DisplayName = strings.TrimSpace(cd.FirstName + " " + cd.LastName)
	}
	if ref.Phone != "" && !strings.HasPrefix(ref.Phone, "+") && allDigits(ref.Phone) {
		// Telegram sends the number as international digits.
		ref.Phone = "+" + ref.Phone
	}
	if id := string(cd.ChatID); id != "" {
		ref.Accounts = map[string]string{contactcard.MessengerTelegram: id}
	}
	return ref
}

// telegramChatKind sets the kind of a chat whose notification says it
// (senderData.chatType, which Telegram instances send: "user", "bot",
// "group", "supergroup", "channel"): a channel's negative id is otherwise
// taken for a group's.
func telegramChatKind(u *cardbot.Update, sd *senderData) {
	if sd == nil || sd.ChatType == "" || u.Chat.ID != sd.ChatID {
		return
	}
	switch sd.ChatType {
	case "user", "bot":
		u.Chat.Kind = cardbot.ChatPrivate
	case "group", "supergroup":
		u.Chat.Kind = cardbot.ChatGroup
	case "channel":
		u.Chat.Kind = cardbot.ChatChannel
	}
}
