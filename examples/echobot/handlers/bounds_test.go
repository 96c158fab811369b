package handlers

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1 000", 39990: "39 990", 1234567: "1 234 567"} {
		assert.Equal(t, want, count(n))
	}
}

func TestComposedTextsAreBounded(t *testing.T) {
	bad := func(raw string) contactcard.Phone {
		return contactcard.Phone{Raw: raw, Err: &contactcard.PhoneError{Raw: raw, Reason: "not a valid number", Err: contactcard.ErrInvalidPhone}}
	}
	limited := contactcard.Phone{Raw: "1", Err: &contactcard.PhoneError{Raw: "1", Reason: "over the cap", Err: contactcard.ErrPhoneLimit}}
	card := contactcard.Card{FormattedName: strings.Repeat("Имя", 1000)}
	for range 500 {
		card.Phones = append(card.Phones, bad(strings.Repeat("9", 1000)))
	}
	for range 39500 {
		card.Phones = append(card.Phones, limited)
	}
	text := rejection(nil, card, cardbot.ErrNoUsableNumber)
	assert.Less(t, len([]rune(text)), 1000, "ten clipped numbers, a clipped name")
	assert.Equal(t, 10, strings.Count(text, "not a valid number"))
	assert.True(t, strings.HasSuffix(text, "; and 39 990 more numbers could not be read."), text)
	assert.Contains(t, text, strings.Repeat("Имя", 26)+"И…")

	assert.Equal(t, "You sent me more contacts than I handle at once: I answered the first 50, and left out 1 950 more.",
		tooMany(&cardbot.ContactsLimitError{Cards: 50, CardsLeftOut: 1950}))
	assert.Equal(t, "I read only the first 500 phone numbers; 14 500 more numbers were left out.",
		tooMany(&cardbot.ContactsLimitError{Cards: 1, PhonesLeftOut: 14500, Limits: cardbot.Limits{MaxPhones: 500}}))
}
