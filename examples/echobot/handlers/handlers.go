// Package handlers holds the echobot's handlers, so that the echobot and the
// load harness (tools/loadtest) run the same bot: "/start" gets
// Greeting, any other text is echoed back, an edited text is echoed with
// its new text after EditedPrefix, a deletion gets no answer, and every
// contact of a shared contact, a contacts array or a .vcf upload is sent
// back, or explained when it has no usable number.
package handlers

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// Greeting is the answer to /start.
const Greeting = "Hi! I am cardbot's echo bot. Send me a text and I send it back; " +
	"send me a contact or a .vcf file and I send every contact in it back, its number normalized."

// EditedPrefix marks the echo of an edited text: the user corrected a
// message, and the bot echoes the new text as an edit, not as a new
// message.
const EditedPrefix = "Edited: "

// Register adds the echobot's handlers to b.
func Register(b *cardbot.Bot) {
	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error {
		return c.Send(Greeting)
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		// A text longer than this messenger takes goes back in parts.
		return c.SendSplit(c.Text())
	})
	b.Handle(cardbot.OnContact, echoContacts)
	b.Handle(cardbot.OnEdited, func(c *cardbot.Context) error {
		if c.Text() == "" {
			return nil // an edit of a caption away, or of something else
		}
		return c.Send(EditedPrefix + c.Text())
	})
	// A deletion (OnDeleted) gets no answer: no route for it.
}

// echoContacts sends every card of a contact message, a contacts array or a
// .vcf document back to the chat, and explains each card it cannot send.
// Users hear what they can act on; the errors behind it go to the log,
// since they name provider methods, hosts and status codes that mean
// nothing to them. Of a message over the bot's Limits it answers the
// cards read and says how many it left out.
func echoContacts(c *cardbot.Context) error {
	cards, err := c.Contacts()
	limit, err := leftOut(err)
	if err != nil {
		if len(cards) == 0 && cardbot.IsRetryable(err) {
			return err // the download may work when GREEN-API delivers again
		}
		logProblem(c, "echobot: reading contacts failed", err)
		if len(cards) == 0 {
			return c.Send(unreadable(c, err))
		}
	}
	for _, card := range cards {
		serr := c.SendContact(card)
		switch {
		case serr == nil:
			continue
		case errors.Is(serr, cardbot.ErrNoUsableNumber):
			serr = c.Send(rejection(c, card, serr))
		case cardbot.IsRetryable(serr):
			return serr // 503: GREEN-API delivers the message again
		default:
			logProblem(c, "echobot: sending a contact failed", serr)
			serr = c.Send(fmt.Sprintf("I could not send the contact %q. Please try again later.", nameOf(card)))
		}
		if serr != nil {
			return serr
		}
	}
	if limit != nil {
		if serr := c.Send(tooMany(limit)); serr != nil {
			return serr
		}
	}
	if err != nil {
		return c.Send("I could not read every contact you sent; those above are the ones I could.")
	}
	return nil
}

// unreadable says in a user's words why no contact could be read.
func unreadable(c *cardbot.Context, err error) string {
	switch {
	case errors.Is(err, contactcard.ErrNoCard):
		return "I found no contact in that file."
	case errors.Is(err, contactcard.ErrNotText):
		return "That file is not a vCard: it is not even text."
	case errors.Is(err, contactcard.ErrTooLarge), errors.Is(err, cardbot.ErrDocumentTooLarge):
		return "That file is too large for me."
	}
	if m := c.Message(); m != nil && m.Document != nil {
		return "I could not download that file. Please send it again."
	}
	return "I could not read that contact."
}

// rejection says why a card could not be sent: which number, and why; of
// a card of many bad numbers, the first few and how many more.
func rejection(c *cardbot.Context, card contactcard.Card, err error) string {
	name := nameOf(card)
	if len(card.Phones) == 0 {
		return fmt.Sprintf("I cannot send the contact %q: it has no phone number.", name)
	}
	if why := phoneReasons(card); why != "" {
		return fmt.Sprintf("I cannot send the contact %q: %s.", name, why)
	}
	// Its numbers are fine, but this messenger shares contacts by account
	// (MAX) and found none.
	var notOnMAX *greenapi.NotOnMAXError
	if errors.As(err, &notOnMAX) {
		return fmt.Sprintf("I cannot send the contact %q: +%s has no MAX account.", name, notOnMAX.Number)
	}
	logProblem(c, "echobot: contact refused", err)
	return fmt.Sprintf("I cannot send the contact %q here: I found no account on this messenger for its number.", name)
}

func nameOf(card contactcard.Card) string {
	if card.FormattedName == "" {
		return "without a name"
	}
	return clip(card.FormattedName, maxNameLength)
}

// logProblem writes err to the bot's log, with the update it came from.
func logProblem(c *cardbot.Context, msg string, err error) {
	log := slog.Default()
	if b := c.Bot(); b != nil {
		log = b.Logger()
	}
	u := c.Update()
	log.LogAttrs(c.Context(), slog.LevelWarn, msg,
		slog.String("provider", u.Provider), slog.String("chat", u.Chat.ID), slog.Any("error", err))
}
