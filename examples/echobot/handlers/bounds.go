package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// Bounds of the texts the echobot composes, so that an answer always fits
// a messenger's limit (4 000 characters on MAX, the smallest), whatever a
// user sent.
const (
	// maxReasons is how many rejected numbers of one card are named.
	maxReasons = 10
	// maxNameLength and maxRawLength bound a contact's name and a number
	// as the user wrote it, quoted in an answer.
	maxNameLength = 80
	maxRawLength  = 40
)

// leftOut splits the error of Context.Contacts into what the bot's Limits
// left out and the other errors, if any.
func leftOut(err error) (*cardbot.ContactsLimitError, error) {
	var limit *cardbot.ContactsLimitError
	if !errors.As(err, &limit) {
		return nil, err
	}
	var rest []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if !errors.Is(e, cardbot.ErrTooManyContacts) {
				rest = append(rest, e)
			}
		}
	}
	return limit, errors.Join(rest...)
}

// tooMany tells the user what was left out of a message over the limits.
func tooMany(l *cardbot.ContactsLimitError) string {
	var parts []string
	if l.CardsLeftOut > 0 {
		parts = append(parts, fmt.Sprintf("You sent me more contacts than I handle at once: I answered the first %s, and left out %s more.",
			count(l.Cards), count(l.CardsLeftOut)))
	}
	if l.PhonesLeftOut > 0 {
		parts = append(parts, fmt.Sprintf("I read only the first %s phone numbers; %s more numbers were left out.",
			count(l.Limits.MaxPhones), count(l.PhonesLeftOut)))
	}
	return strings.Join(parts, " ")
}

// phoneReasons names the card's numbers that did not normalize and why:
// the first maxReasons of them, then how many more could not be read
// (numbers past the bot's Limits included).
func phoneReasons(card contactcard.Card) string {
	var why []string
	more := 0
	for _, p := range card.Phones {
		var pe *contactcard.PhoneError
		switch {
		case p.Err == nil:
		case errors.Is(p.Err, contactcard.ErrPhoneLimit):
			more++
		case !errors.As(p.Err, &pe):
		case len(why) < maxReasons:
			why = append(why, fmt.Sprintf("%q: %s", clip(p.Raw, maxRawLength), pe.Reason))
		default:
			more++
		}
	}
	if len(why) == 0 {
		return ""
	}
	s := strings.Join(why, "; ")
	if more > 0 {
		s += fmt.Sprintf("; and %s more numbers could not be read", count(more))
	}
	return s
}

// clip cuts s to n characters, the last one "…" when it was cut.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// count writes n with its thousands apart: "39 990".
func count(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(d)
	}
	return b.String()
}
