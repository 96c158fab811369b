package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// The bot under load behaves as examples/echobot's (its handlers are in
// package main there, so they are rebuilt here from the public API).

const greeting = "Hi! I am cardbot's echo bot. Send me a text and I send it back; " +
	"send me a contact or a .vcf file and I send every contact in it back, its number normalized."

// register adds the echobot's handlers to b, behind a middleware that
// makes each handling last at least latency.
func register(b *cardbot.Bot, latency time.Duration) {
	if latency > 0 {
		b.Use(func(next cardbot.HandlerFunc) cardbot.HandlerFunc {
			return func(c *cardbot.Context) error {
				t := time.NewTimer(latency)
				defer t.Stop()
				select {
				case <-t.C:
				case <-c.Context().Done():
					return c.Context().Err()
				}
				return next(c)
			}
		})
	}
	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error {
		return c.Send(greeting)
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send(c.Text())
	})
	b.Handle(cardbot.OnContact, echoContacts)
}

// echoContacts sends every card of a contact message or a .vcf document
// back, and explains each card it cannot send.
func echoContacts(c *cardbot.Context) error {
	cards, err := c.Contacts()
	if err != nil && len(cards) == 0 {
		if cardbot.IsRetryable(err) {
			return err
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
