package cardbot

import (
	"errors"
	"fmt"
	"strings"
)

// Defaults of Limits, the bounds on the work of one update.
const (
	// DefaultMaxCards is how many cards Context.Contacts reads from one
	// message: a contact, a contacts array, a .vcf document.
	DefaultMaxCards = 50
	// DefaultMaxPhones is how many phone numbers Context.Contacts reads
	// (normalizes) from one message, over all its cards.
	DefaultMaxPhones = 500
	// DefaultMaxSends is how many sends a Context makes for its update:
	// enough to answer DefaultMaxCards cards with a contact or a text each,
	// and a few texts more.
	DefaultMaxSends = 100
)

// Limits bound the work one update can make, so that a message of
// thousands of contacts, or a card of thousands of numbers, is answered
// within a webhook's deadline instead of being worked on until it and
// delivered again. A zero field takes its default.
type Limits struct {
	// MaxCards is how many cards Context.Contacts reads from one message;
	// DefaultMaxCards when zero or less. The cards past it are not read:
	// Contacts returns the first ones with a *ContactsLimitError.
	MaxCards int

	// MaxPhones is how many phone numbers Context.Contacts reads from one
	// message, over all its cards; DefaultMaxPhones when zero or less. The
	// numbers past it keep their Raw value and get a Phone.Err that wraps
	// contactcard.ErrPhoneLimit; cards after the one where the bound was
	// reached are not read.
	MaxPhones int

	// MaxSends is how many sends (Send, Reply, SendContact, SendFile, …)
	// a Context makes for its update; DefaultMaxSends when zero or less.
	// A send past it fails with ErrTooManySends before the provider is
	// called.
	MaxSends int
}

// withDefaults returns l with its zero fields filled in.
func (l Limits) withDefaults() Limits {
	if l.MaxCards <= 0 {
		l.MaxCards = DefaultMaxCards
	}
	if l.MaxPhones <= 0 {
		l.MaxPhones = DefaultMaxPhones
	}
	if l.MaxSends <= 0 {
		l.MaxSends = DefaultMaxSends
	}
	return l
}

// WithLimits sets the bounds on the work of one update (see Limits). The
// defaults are DefaultMaxCards, DefaultMaxPhones and DefaultMaxSends.
func WithLimits(l Limits) Option {
	return func(b *Bot) { b.limits = l.withDefaults() }
}

var (
	// ErrTooManyContacts means a message held more cards or numbers than
	// Limits allow; the error is a *ContactsLimitError, returned by
	// Context.Contacts with the cards it read.
	ErrTooManyContacts = errors.New("cardbot: too many contacts in one message")

	// ErrTooManySends means a handling made Limits.MaxSends sends for its
	// update already; the send was not made. It is not retryable.
	ErrTooManySends = errors.New("cardbot: too many sends for one update")
)

// ContactsLimitError says what Context.Contacts left out of a message over
// Limits. It matches ErrTooManyContacts.
type ContactsLimitError struct {
	// Cards is how many cards were read and returned.
	Cards int
	// CardsLeftOut is how many were not read: cards past the bounds, and
	// contacts of the message not read at all (each counted as one card).
	CardsLeftOut int
	// PhonesLeftOut is how many numbers of the returned cards were not
	// read: their Phone.Err wraps contactcard.ErrPhoneLimit.
	PhonesLeftOut int
	// Limits are the bounds that applied.
	Limits Limits
}

// Error says what was left out and the bounds.
func (e *ContactsLimitError) Error() string {
	var parts []string
	if e.CardsLeftOut > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d cards left out (at most %d cards and %d numbers are read)",
			e.CardsLeftOut, e.Cards+e.CardsLeftOut, e.Limits.MaxCards, e.Limits.MaxPhones))
	}
	if e.PhonesLeftOut > 0 {
		parts = append(parts, fmt.Sprintf("%d numbers not read (at most %d are read)", e.PhonesLeftOut, e.Limits.MaxPhones))
	}
	return ErrTooManyContacts.Error() + ": " + strings.Join(parts, "; ")
}

// Unwrap returns ErrTooManyContacts.
func (e *ContactsLimitError) Unwrap() error { return ErrTooManyContacts }

// limits returns the bounds of the Context's bot, or the defaults.
func (c *Context) limits() Limits {
	if c.bot != nil {
		return c.bot.limits.withDefaults()
	}
	return Limits{}.withDefaults()
}

// countSend counts a send of the handling, and fails once the handling
// made Limits.MaxSends of them.
func (c *Context) countSend() error {
	if n := c.limits().MaxSends; c.sendCount >= n {
		return fmt.Errorf("%w: the limit is %d (Limits.MaxSends)", ErrTooManySends, n)
	}
	c.sendCount++
	return nil
}
