package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// The steps of /add, the states of a conversation.
const (
	askContact = "add:contact"
	askList    = "add:list"
)

// maxListName bounds a list's name, in characters.
const maxListName = 32

// book is a chat's contact book, the data of its conversation: the lists,
// and the contacts /add took that wait for their list.
type book struct {
	Lists map[string][]entry `json:"lists,omitempty"`
	Draft []entry            `json:"draft,omitempty"`
}

// entry is one contact of a list: its name and number to show, and the
// card itself as vCard 3.0, as /export sends it.
type entry struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	VCard string `json:"vcard"`
}

const help = "I keep lists of contacts.\n" +
	"/add: send me a contact (shared, or a .vcf file), then say which list it goes to\n" +
	"/list: your lists; /list <name>: its contacts\n" +
	"/export <name>: the list as one .vcf file\n" +
	"/cancel: leave the step you are in"

// register adds the contact book's handlers to bot.
func register(bot *cardbot.Bot) {
	bot.Handle(cardbot.Command("start"), func(c *cardbot.Context) error { return c.Send(help) })
	bot.Handle(cardbot.Command("add"), func(c *cardbot.Context) error { return c.SetState(askContact) })
	bot.Handle(cardbot.Command("cancel"), cancel)
	bot.Handle(cardbot.Command("list"), list)
	bot.Handle(cardbot.Command("export"), export)

	bot.Scene(askContact, cardbot.SceneHooks{Enter: func(c *cardbot.Context) error {
		return c.Send("Send me a contact: share one, or a .vcf file. /cancel to stop.")
	}}).Handle(cardbot.OnContact, takeContacts)
	bot.Handle(cardbot.InState(askContact, cardbot.OnMessage), func(c *cardbot.Context) error {
		return c.Send("That is no contact. Share one, or send a .vcf file; /cancel to stop.")
	})

	bot.Scene(askList, cardbot.SceneHooks{Enter: func(c *cardbot.Context) error {
		b, err := cardbot.GetData[book](c)
		if err != nil {
			return err
		}
		q := "Which list do they go to?"
		if names := listNames(b); len(names) > 0 {
			q += " You have: " + strings.Join(names, ", ") + "."
		}
		return c.Send(q)
	}}).Handle(cardbot.OnText, saveToList)
}

// takeContacts keeps the contacts of the message as the draft and asks for
// the list.
func takeContacts(c *cardbot.Context) error {
	cards, err := c.Contacts()
	if len(cards) == 0 {
		if err != nil && !errors.Is(err, contactcard.ErrNoCard) && !errors.Is(err, contactcard.ErrNotText) {
			return err // a download that failed: the update comes again
		}
		return c.Send("I found no contact in that. Send another, or /cancel.")
	}
	b, err := cardbot.GetData[book](c)
	if err != nil {
		return err
	}
	b.Draft = b.Draft[:0]
	for _, card := range cards {
		e, err := entryOf(card)
		if err != nil {
			return err
		}
		b.Draft = append(b.Draft, e)
	}
	if err := cardbot.SetData(c, b); err != nil {
		return err
	}
	return c.SetState(askList)
}

// saveToList moves the draft into the list the text names.
func saveToList(c *cardbot.Context) error {
	name := strings.TrimSpace(c.Text())
	if name == "" || utf8.RuneCountInString(name) > maxListName || strings.ContainsAny(name, "/\n") {
		return c.Send(fmt.Sprintf("A list's name is a word or a few, at most %d characters, without /. Which list?", maxListName))
	}
	b, err := cardbot.GetData[book](c)
	if err != nil {
		return err
	}
	if b.Lists == nil {
		b.Lists = make(map[string][]entry)
	}
	b.Lists[name] = append(b.Lists[name], b.Draft...)
	n := len(b.Draft)
	b.Draft = nil
	if err := cardbot.SetData(c, b); err != nil {
		if errors.Is(err, cardbot.ErrStateTooLarge) {
			return c.Send("Your contact book is full: /export a list and start a new chat with me.")
		}
		return err
	}
	if err := c.SetState(""); err != nil {
		return err
	}
	return c.Send(fmt.Sprintf("Saved %d contact(s) to %s.", n, name))
}

// cancel leaves the step: the draft goes, the lists stay.
func cancel(c *cardbot.Context) error {
	if c.State() == "" {
		return c.Send("There is nothing to cancel.")
	}
	b, err := cardbot.GetData[book](c)
	if err != nil {
		return err
	}
	b.Draft = nil
	if err := cardbot.SetData(c, b); err != nil {
		return err
	}
	if err := c.SetState(""); err != nil {
		return err
	}
	return c.Send("Cancelled.")
}

// list shows the lists, or the contacts of the list named after /list.
func list(c *cardbot.Context) error {
	b, err := cardbot.GetData[book](c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.Payload())
	if name == "" {
		names := listNames(b)
		if len(names) == 0 {
			return c.Send("You have no lists yet: /add a contact.")
		}
		lines := make([]string, len(names))
		for i, n := range names {
			lines[i] = fmt.Sprintf("%s (%d)", n, len(b.Lists[n]))
		}
		return c.Send("Your lists:\n" + strings.Join(lines, "\n"))
	}
	entries, ok := b.Lists[name]
	if !ok {
		return c.Send(fmt.Sprintf("You have no list %q.", name))
	}
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = e.Name
		if e.Phone != "" {
			lines[i] += ": +" + e.Phone
		}
	}
	return c.Send(name + ":\n" + strings.Join(lines, "\n"))
}

// export sends the list named after /export as one .vcf file.
func export(c *cardbot.Context) error {
	name := strings.TrimSpace(c.Payload())
	if name == "" {
		return c.Send("Which list? /export <name>")
	}
	b, err := cardbot.GetData[book](c)
	if err != nil {
		return err
	}
	entries, ok := b.Lists[name]
	if !ok {
		return c.Send(fmt.Sprintf("You have no list %q.", name))
	}
	var text strings.Builder
	for _, e := range entries {
		text.WriteString(e.VCard)
	}
	cards, err := contactcard.Parse(strings.NewReader(text.String()))
	if err != nil {
		return fmt.Errorf("contactbook: list %q: %w", name, err)
	}
	return c.SendVCard(name+".vcf", cards...)
}

// entryOf makes the entry of a card.
func entryOf(card contactcard.Card) (entry, error) {
	var vcf strings.Builder
	if err := contactcard.Encode(&vcf, card); err != nil {
		return entry{}, err
	}
	e := entry{Name: card.FormattedName, VCard: vcf.String()}
	if p, ok := card.PrimaryPhone(); ok {
		e.Phone = p.Number
	}
	return e, nil
}

func listNames(b book) []string {
	names := make([]string, 0, len(b.Lists))
	for n := range b.Lists {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
