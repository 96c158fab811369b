package greenapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apierr"
)

// Send delivers out to a chat: a cardbot.Text with sendMessage, a
// cardbot.Contact with sendContact, a cardbot.File with sendFileByUpload
// (see sendFile for its limits). chatID is a chat id of the client's
// messenger or a phone number (see resolveChat and resolveMAXChat).
//
// Before any request it refuses, with an error that wraps ErrValidation, a
// chat id of the wrong form, an empty text or one over MaxTextLength
// characters (that error also holds a *cardbot.TextTooLongError: see
// cardbot.Context.SendSplit to send it in parts), and a card without a
// usable number; that error also wraps cardbot.ErrNoUsableNumber and the
// phone's *contactcard.PhoneError.
//
// The contact sent is the card's PrimaryPhone as phoneContact (a JSON
// integer) and its names: N's first, middle and last names, else FN as the
// first name, and ORG as the company. A card with none of these is sent
// with its number as the first name, since GREEN-API requires one name.
//
// On MAX the contact is sent by its MAX chat id, and only a contact of the
// instance's contact base can be, as GREEN-API documents: the card's
// Accounts[contactcard.MessengerMAX] when the base holds it, else the chat
// id the base shows for the card's PrimaryPhone, of any country (see
// MAXContacts: the base is read with getContacts and cached; with
// MAXContacts.Add a number not in it is added with addContact). A card
// for which no account is found fails with a *NotOnMAXError that names
// the number, before any send, or is sent as a .vcf file with
// MAXContacts.AsFile. MAX's sendContact takes no quote, so
// Contact.ReplyTo is not sent; Config.TypingTime is sent as typingTime
// with texts and contacts.
//
// On Telegram the contact is the card's number and names, with a first
// name always (see telegramContactOf), and chat ids are Telegram's (see
// resolveTelegramChat).
func (c *Client) Send(ctx context.Context, chatID string, out cardbot.Outgoing) (cardbot.SentMessage, error) {
	switch o := out.(type) {
	case cardbot.Text:
		return c.sendText(ctx, chatID, o)
	case cardbot.Contact:
		return c.sendContact(ctx, chatID, o)
	case cardbot.File:
		return c.sendFile(ctx, chatID, o)
	default:
		return cardbot.SentMessage{}, apierr.Unsendable(invalid, out)
	}
}

type sendMessageRequest struct {
	ChatID          string `json:"chatId"`
	Message         string `json:"message"`
	QuotedMessageID string `json:"quotedMessageId,omitempty"`
}

type sendContactRequest struct {
	ChatID          string         `json:"chatId"`
	Contact         contactPayload `json:"contact"`
	QuotedMessageID string         `json:"quotedMessageId,omitempty"`
}

type contactPayload struct {
	PhoneContact int64  `json:"phoneContact"`
	FirstName    string `json:"firstName,omitempty"`
	MiddleName   string `json:"middleName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Company      string `json:"company,omitempty"`
}

// MAX's sendMessage and sendContact.
type maxSendMessageRequest struct {
	ChatID          string `json:"chatId"`
	Message         string `json:"message"`
	QuotedMessageID string `json:"quotedMessageId,omitempty"`
	TypingTime      int64  `json:"typingTime,omitempty"`
}

type maxSendContactRequest struct {
	ChatID     string            `json:"chatId"`
	Contact    maxContactPayload `json:"contact"`
	TypingTime int64             `json:"typingTime,omitempty"`
}

type maxContactPayload struct {
	ChatID string `json:"chatId"`
}

type sendResponse struct {
	IDMessage string `json:"idMessage"`
}

func (c *Client) sendText(ctx context.Context, chatID string, t cardbot.Text) (cardbot.SentMessage, error) {
	if strings.TrimSpace(t.Body) == "" {
		return cardbot.SentMessage{}, invalid("sendMessage: empty text")
	}
	if n := utf8.RuneCountInString(t.Body); n > c.cfg.MaxTextLength {
		return cardbot.SentMessage{}, refused(fmt.Sprintf("sendMessage: text of %d characters, the limit is %d", n, c.cfg.MaxTextLength),
			&cardbot.TextTooLongError{Length: n, Limit: c.TextLimit()})
	}
	chat, err := c.resolveChat(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	if c.cfg.Messenger == MAX {
		return c.send(ctx, "sendMessage", maxSendMessageRequest{
			ChatID: chat, Message: t.Body, QuotedMessageID: t.ReplyTo, TypingTime: c.cfg.TypingTime.Milliseconds(),
		})
	}
	return c.send(ctx, "sendMessage", sendMessageRequest{ChatID: chat, Message: t.Body, QuotedMessageID: t.ReplyTo})
}

func (c *Client) sendContact(ctx context.Context, chatID string, ct cardbot.Contact) (cardbot.SentMessage, error) {
	switch c.cfg.Messenger {
	case MAX:
		return c.sendMAXContact(ctx, chatID, ct)
	case Telegram:
		return c.sendTelegramContact(ctx, chatID, ct)
	}
	contact, err := contactOf(ct)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	chat, err := c.resolveChat(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	return c.send(ctx, "sendContact", sendContactRequest{ChatID: chat, Contact: contact, QuotedMessageID: ct.ReplyTo})
}

// sendMAXContact shares a contact on MAX by its MAX chat id. Every check
// that needs no request (the chat id, the card's account and number) comes
// before the contact base is read, and the base before sendContact.
func (c *Client) sendMAXContact(ctx context.Context, chatID string, ct cardbot.Contact) (cardbot.SentMessage, error) {
	chat, err := c.resolveChat(chatID)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	account := strings.TrimSpace(ct.Card.Accounts[contactcard.MessengerMAX])
	if account != "" && (!validMAXChatID(account) || account[0] == '-') {
		return cardbot.SentMessage{}, invalid("sendContact: the card's MAX chat id %q is not a person's chat id", account)
	}
	number, err := apierr.UsablePhone(ct.Card, "sendContact", refused)
	if err != nil {
		if account == "" {
			return cardbot.SentMessage{}, err
		}
		number = ""
	}
	contact, err := c.maxContact(ctx, number, account, ct.Card)
	var notOnMAX *NotOnMAXError
	if errors.As(err, &notOnMAX) && c.cfg.MAXContacts.AsFile {
		return c.sendContactFile(ctx, chat, ct.Card)
	}
	if err != nil {
		return cardbot.SentMessage{}, fmt.Errorf("greenapi: sendContact: contact %q: %w", ct.Card.FormattedName, err)
	}
	return c.send(ctx, "sendContact", maxSendContactRequest{
		ChatID: chat, Contact: maxContactPayload{ChatID: contact}, TypingTime: c.cfg.TypingTime.Milliseconds(),
	})
}

// contactOf maps a card to sendContact's contact object.
func contactOf(ct cardbot.Contact) (contactPayload, error) {
	card := ct.Card
	number, err := apierr.UsablePhone(card, "sendContact", refused)
	if err != nil {
		return contactPayload{}, err
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n <= 0 {
		return contactPayload{}, refused(fmt.Sprintf("sendContact: number %q is not international digits", number), cardbot.ErrNoUsableNumber)
	}
	p := contactPayload{
		PhoneContact: n,
		FirstName:    strings.TrimSpace(card.FirstName),
		MiddleName:   strings.TrimSpace(card.MiddleName),
		LastName:     strings.TrimSpace(card.LastName),
		Company:      strings.TrimSpace(card.Company),
	}
	if p.FirstName == "" && p.MiddleName == "" && p.LastName == "" {
		p.FirstName = strings.TrimSpace(card.FormattedName)
	}
	if p.FirstName == "" && p.MiddleName == "" && p.LastName == "" && p.Company == "" {
		p.FirstName = "+" + number
	}
	return p, nil
}

func (c *Client) send(ctx context.Context, method string, body any) (cardbot.SentMessage, error) {
	var resp sendResponse
	r := c.apiRequest(http.MethodPost, method, body)
	r.Send = true
	raw, err := c.callJSON(ctx, r, &resp)
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	return cardbot.SentMessage{ID: resp.IDMessage, Raw: json.RawMessage(raw)}, nil
}
