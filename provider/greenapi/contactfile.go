package greenapi

import (
	"context"
	"strings"
	"unicode"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// sendContactFile sends card to chat as a .vcf file named after it: MAX's
// way to share a contact for which no MAX account was found
// (MAXContacts.AsFile).
func (c *Client) sendContactFile(ctx context.Context, chat string, card contactcard.Card) (cardbot.SentMessage, error) {
	f, err := cardbot.VCardFile(vcfName(card.FormattedName), []contactcard.Card{card})
	if err != nil {
		return cardbot.SentMessage{}, err
	}
	return c.sendFile(ctx, chat, f)
}

// vcfName makes a plain file name of a card's name: its letters, digits,
// spaces, dots, dashes and underscores, at most 64 of them; "contact"
// when none is left.
func vcfName(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(name) {
		if n == 64 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
			n++
		}
	}
	s := strings.Trim(b.String(), " .")
	if s == "" {
		s = "contact"
	}
	return s + ".vcf"
}
