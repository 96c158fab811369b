package cardbot

import (
	"strings"

	"github.com/cardbot/cardbot/contactcard"
)

// Phone reads a phone number the user typed (the bot asked for one) as
// Contacts reads a card's numbers: national numbers in the update's region
// (the provider's RegionHinter, else WithDefaultRegion, else
// contactcard's default), with the region of the sender's own number,
// when the provider gives it, as a hint that ranks before it. See
// contactcard.Parser.Typed.
//
// The phone's Number is the international digits a send needs; when it is
// empty, Err says why with contactcard's typed errors: errors.Is(err,
// contactcard.ErrAmbiguousPhone) when the number could be another
// country's ("416-555-0123" with region RU; ask for it with its country
// code), contactcard.ErrInvalidPhone, contactcard.ErrPhoneLength.
func (c *Context) Phone(raw string) contactcard.Phone {
	var hints []string
	if r := contactcard.RegionOfNumber(c.update.Sender.Phone); r != "" {
		hints = append(hints, r)
	}
	return contactcard.Parser{Region: c.region()}.Typed(raw, hints...)
}

// DefaultRegion returns the region in which the bot reads national phone
// numbers when the provider names none: WithDefaultRegion's, else
// contactcard.DefaultRegion.
func (b *Bot) DefaultRegion() string {
	if b.region == "" {
		return contactcard.DefaultRegion
	}
	return strings.ToUpper(b.region)
}
