// Package echo holds the echobot's handlers, so that the echobot and the
// load harness (internal/loadtest) run the same bot: "/start" gets
// Greeting, any other text is echoed back, and every contact of a shared
// contact, a contacts array or a .vcf upload is sent back, or explained
// when it has no usable number.
package echo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// Greeting is the answer to /start.
const Greeting = "Hi! I am cardbot's echo bot. Send me a text and I send it back; " +
	"send me a contact or a .vcf file and I send every contact in it back, its number normalized."

// Register adds the echobot's handlers to b.
func Register(b *cardbot.Bot) {
	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error {
		return c.Send(Greeting)
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send(c.Text())
	})
	b.Handle(cardbot.OnContact, echoContacts)
}

// echoContacts sends every card of a contact message, a contacts array or a
// .vcf document back to the chat, and explains each card it cannot send.
func echoContacts(c *cardbot.Context) error {
	cards, err := c.Contacts()
	if err != nil && len(cards) == 0 {
		if cardbot.IsRetryable(err) {
			return err // the download may work when GREEN-API delivers again
		}
		return c.Send(unreadable(err))
	}
	for _, card := range cards {
		err := c.SendContact(card)
		switch {
		case errors.Is(err, cardbot.ErrNoUsableNumber):
			if err := c.Send(rejection(card)); err != nil {
				return err
			}
		case err != nil:
			return err
		}
	}
	return nil
}

// unreadable says in a user's words why no contact could be read.
func unreadable(err error) string {
	switch {
	case errors.Is(err, contactcard.ErrNoCard):
		return "I found no contact in that file."
	case errors.Is(err, contactcard.ErrNotText):
		return "That file is not a vCard: it is not even text."
	case errors.Is(err, contactcard.ErrTooLarge), errors.Is(err, cardbot.ErrDocumentTooLarge):
		return "That file is too large for me."
	}
	return "I could not read the contacts: " + err.Error()
}

// rejection says why a card could not be sent: which number, and why.
func rejection(card contactcard.Card) string {
	name := card.FormattedName
	if name == "" {
		name = "without a name"
	}
	if len(card.Phones) == 0 {
		return fmt.Sprintf("I cannot send the contact %q: it has no phone number.", name)
	}
	var why []string
	for _, p := range card.Phones {
		var pe *contactcard.PhoneError
		if errors.As(p.Err, &pe) {
			why = append(why, fmt.Sprintf("%q: %s", p.Raw, pe.Reason))
		}
	}
	return fmt.Sprintf("I cannot send the contact %q: %s.", name, strings.Join(why, "; "))
}
