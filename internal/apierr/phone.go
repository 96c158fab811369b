package apierr

import (
	"fmt"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// UsablePhone returns the number a provider sends for card: its
// PrimaryPhone as international digits, without a "+". A card without
// one gets the refusal (made with refused, for method) that says why: it
// matches cardbot.ErrNoUsableNumber, and the phone's *contactcard.PhoneError
// when a number did not normalize.
func UsablePhone(card contactcard.Card, method string, refused func(string, ...error) error) (string, error) {
	ph, ok := card.PrimaryPhone()
	if !ok {
		name := card.FormattedName
		for _, p := range card.Phones {
			if p.Err != nil {
				return "", refused(fmt.Sprintf("%s: contact %q: %v: %v", method, name, cardbot.ErrNoUsableNumber, p.Err), cardbot.ErrNoUsableNumber, p.Err)
			}
		}
		return "", refused(fmt.Sprintf("%s: contact %q: %v: it has no phone", method, name, cardbot.ErrNoUsableNumber), cardbot.ErrNoUsableNumber)
	}
	digits := strings.TrimPrefix(ph.Number, "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", refused(fmt.Sprintf("%s: number %q is not international digits", method, ph.Number), cardbot.ErrNoUsableNumber)
	}
	return digits, nil
}
