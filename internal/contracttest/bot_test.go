package contracttest_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// contractBot is the bot of the contract: a handler per kind of update,
// each answering what it saw in the update's chat (a deletion excepted),
// and two commands whose sends the APIs may refuse.
type contractBot struct {
	*cardbot.Bot
	mu   sync.Mutex
	seen []cardbot.Event // the handlers run, in order
	errs []error         // the errors of the refusable sends
}

func newContractBot(ps ...cardbot.Provider) *contractBot {
	b := &contractBot{Bot: cardbot.New(cardbot.WithProviders(ps...), cardbot.WithLogger(slog.New(slog.DiscardHandler)))}
	answer := func(ev cardbot.Event, say func(c *cardbot.Context) (string, error)) {
		b.Handle(ev, func(c *cardbot.Context) error {
			b.mu.Lock()
			b.seen = append(b.seen, ev)
			b.mu.Unlock()
			text, err := say(c)
			if err != nil || text == "" {
				return err
			}
			return c.Send(text)
		})
	}
	answer(cardbot.OnText, func(c *cardbot.Context) (string, error) { return "text: " + c.Text(), nil })
	answer(cardbot.OnContact, func(c *cardbot.Context) (string, error) {
		cards, err := c.Contacts()
		if err != nil {
			return "", err
		}
		var out []string
		for _, card := range cards {
			p, _ := card.PrimaryPhone()
			out = append(out, p.Number)
		}
		return "contact: " + strings.Join(out, ", "), nil
	})
	answer(cardbot.OnDocument, func(c *cardbot.Context) (string, error) {
		d := c.Message().Document
		return fmt.Sprintf("document %s %s", d.FileName, d.MIMEType), nil
	})
	answer(cardbot.OnEdited, func(c *cardbot.Context) (string, error) {
		return fmt.Sprintf("edited %s: %s", c.Message().Replaces, c.Text()), nil
	})
	answer(cardbot.OnDeleted, func(*cardbot.Context) (string, error) { return "", nil })
	answer(cardbot.OnReaction, func(c *cardbot.Context) (string, error) {
		r := c.Message().Reaction
		return fmt.Sprintf("reaction %s on %s", r.Emoji, r.MessageID), nil
	})
	answer(cardbot.OnLocation, func(c *cardbot.Context) (string, error) {
		l := c.Message().Location
		return fmt.Sprintf("location %.4f,%.4f %s", l.Latitude, l.Longitude, l.Name), nil
	})
	answer(cardbot.OnPoll, func(c *cardbot.Context) (string, error) {
		p := c.Message().Poll
		return fmt.Sprintf("poll %s %v", p.Question, p.Options), nil
	})
	answer(cardbot.OnPollVote, func(c *cardbot.Context) (string, error) {
		v := c.Message().PollVote
		return fmt.Sprintf("vote in %s: %v", v.PollID, v.Chosen), nil
	})
	answer(cardbot.OnSticker, func(c *cardbot.Context) (string, error) {
		return "sticker " + c.Message().Sticker.FileName, nil
	})
	answer(cardbot.OnButton, func(c *cardbot.Context) (string, error) {
		btn := c.Message().Button
		return fmt.Sprintf("button %s %s", btn.ID, btn.Label), nil
	})
	answer(cardbot.OnForm, func(c *cardbot.Context) (string, error) {
		f := c.Message().Form
		return fmt.Sprintf("form %s %s %s", f.ID, f.Action, f.Metadata), nil
	})
	// /card <phone> shares a card with only that number: no name at all.
	b.Handle(cardbot.Command("card"), func(c *cardbot.Context) error {
		b.failed(c.SendContact(contactcard.Card{Phones: []contactcard.Phone{c.Phone(c.Payload())}}))
		return nil
	})
	// /to <chat> <text> writes to another chat of the same messenger.
	b.Handle(cardbot.Command("to"), func(c *cardbot.Context) error {
		args := c.Args()
		if len(args) < 2 {
			return c.Send("usage: /to <chat> <text>")
		}
		_, err := c.Bot().Send(c.Context(), c.Provider().Name(), args[0], cardbot.Text{Body: strings.Join(args[1:], " ")})
		b.failed(err)
		return nil
	})
	return b
}

// failed records the error of a refusable send; nil too, so that a test
// sees the send was tried.
func (b *contractBot) failed(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errs = append(b.errs, err)
}

// since returns the handlers run and the errors recorded after the first
// seen and errs ones.
func (b *contractBot) since(seen, errs int) ([]cardbot.Event, []error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]cardbot.Event(nil), b.seen[seen:]...), append([]error(nil), b.errs[errs:]...)
}

// counts returns how many handlers ran and errors were recorded so far.
func (b *contractBot) counts() (int, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.seen), len(b.errs)
}
