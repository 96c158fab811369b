package greenapi

import (
	"fmt"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// Suffixes of WhatsApp chat ids.
const (
	suffixPrivate = "@c.us"
	suffixGroup   = "@g.us"
	suffixLID     = "@lid" // a private chat addressed by a hidden-number id
)

// resolveChat returns the chat id to send to. A WhatsApp chat id
// ("79001234567@c.us", "120363043968066561@g.us",
// "79001234567-1581234048@g.us") passes through; a phone number
// ("8 900 123-45-67", "+7 900 123 45 67") becomes "79001234567@c.us",
// read in the default region; anything else is an error that wraps
// ErrValidation (and the *contactcard.PhoneError of a number that did not
// normalize).
//
// On MAX see resolveMAXChat, on Telegram resolveTelegramChat.
func (c *Client) resolveChat(id string) (string, error) {
	s := strings.TrimSpace(id)
	if s == "" {
		return "", invalid("empty chat id")
	}
	switch c.cfg.Messenger {
	case MAX:
		return c.resolveMAXChat(id, s)
	case Telegram:
		return c.resolveTelegramChat(id, s)
	}
	if strings.Contains(s, "@") {
		if !validChatID(s) {
			return "", invalid("chat id %q: want <digits>@c.us, a group id <digits>@g.us or a phone number", id)
		}
		return s, nil
	}
	n, err := contactcard.Normalize(s, c.cfg.DefaultRegion)
	if err != nil {
		return "", refused(fmt.Sprintf("chat id %q is neither a chat id nor a usable phone number: %v", id, err), err)
	}
	return n + suffixPrivate, nil
}

// maxChatIDLen bounds the digits of a MAX chat id: group ids have up to
// 15 today, and GREEN-API says they may grow.
const maxChatIDLen = 20

// resolveMAXChat returns the MAX chat id to send to. A MAX chat id, digits
// with a minus for a group ("10000000", "-10000000000000"), passes through;
// anything else is read as a phone number ("+7 900 123-45-67",
// "8 (900) 123-45-67") in the default region and sent as its international
// digits ("79001234567"), which v3 takes for a first message to a person.
// A bare string of digits is always taken as it is, so a national number
// must be written with its formatting or as +<digits>. WhatsApp's "@"
// ids are refused: MAX has no suffixes.
func (c *Client) resolveMAXChat(id, s string) (string, error) {
	if validMAXChatID(s) {
		return s, nil
	}
	if strings.Contains(s, "@") {
		return "", invalid("chat id %q: MAX chat ids are numbers (\"10000000\", a group \"-10000000000000\"), without an @ suffix", id)
	}
	n, err := contactcard.Normalize(s, c.cfg.DefaultRegion)
	if err != nil {
		return "", refused(fmt.Sprintf("chat id %q is neither a MAX chat id nor a usable phone number: %v", id, err), err)
	}
	return n, nil
}

// validMAXChatID reports whether s is a MAX chat id: digits, negative for
// a group, not zero.
func validMAXChatID(s string) bool {
	d := strings.TrimPrefix(s, "-")
	return allDigits(d) && len(d) <= maxChatIDLen && strings.TrimLeft(d, "0") != ""
}

// validChatID reports whether s is a WhatsApp chat id of a kind one can
// send to.
func validChatID(s string) bool {
	switch {
	case strings.HasSuffix(s, suffixPrivate):
		d := strings.TrimSuffix(s, suffixPrivate)
		return allDigits(d) && len(d) >= 5 && len(d) <= 20
	case strings.HasSuffix(s, suffixLID):
		d := strings.TrimSuffix(s, suffixLID)
		return allDigits(d) && len(d) <= 30
	case strings.HasSuffix(s, suffixGroup):
		d := strings.TrimSuffix(s, suffixGroup)
		owner, created, dash := strings.Cut(d, "-")
		if dash {
			return allDigits(owner) && allDigits(created) && len(d) <= 40
		}
		return allDigits(d) && len(d) <= 40
	}
	return false
}

// chatKind tells the kind of a chat by its id: "@c.us" and "@lid" are
// private, "@g.us" a group, "@newsletter" a channel; MAX's numeric ids are
// private when positive and groups when negative.
func chatKind(id string) cardbot.ChatKind {
	switch {
	case id == "":
		return cardbot.ChatUnknown
	case strings.HasSuffix(id, suffixPrivate), strings.HasSuffix(id, suffixLID):
		return cardbot.ChatPrivate
	case strings.HasSuffix(id, suffixGroup):
		return cardbot.ChatGroup
	case strings.HasSuffix(id, "@newsletter"):
		return cardbot.ChatChannel
	case id[0] == '-' && allDigits(id[1:]):
		return cardbot.ChatGroup
	case allDigits(id):
		return cardbot.ChatPrivate
	}
	return cardbot.ChatUnknown
}

// phoneOf returns the phone digits of a private WhatsApp chat id, or "".
func phoneOf(id string) string {
	if d, ok := strings.CutSuffix(id, suffixPrivate); ok && allDigits(d) {
		return d
	}
	return ""
}
