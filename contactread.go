package cardbot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
)

// cardReader gathers the cards of one message within Limits: it stops
// taking cards once MaxCards were taken or MaxPhones numbers read, and
// counts what it left out.
type cardReader struct {
	p      contactcard.Parser // Region set; MaxPhones set per parse
	lim    Limits
	cards  []contactcard.Card
	phones int // numbers read, over the cards taken

	cardsLeftOut, phonesLeftOut int
}

// full reports whether no more cards are taken.
func (r *cardReader) full() bool {
	return len(r.cards) >= r.lim.MaxCards || r.phones >= r.lim.MaxPhones
}

// parser returns the parser for the next input: it reads at most the
// numbers left of MaxPhones. Call it only when !full().
func (r *cardReader) parser() contactcard.Parser {
	p := r.p
	p.MaxPhones = r.lim.MaxPhones - r.phones
	return p
}

// add takes card, or counts it as left out when the reader is full.
func (r *cardReader) add(card contactcard.Card) {
	if r.full() {
		r.cardsLeftOut++
		return
	}
	for _, ph := range card.Phones {
		if errors.Is(ph.Err, contactcard.ErrPhoneLimit) {
			r.phonesLeftOut++
		} else {
			r.phones++
		}
	}
	r.cards = append(r.cards, card)
}

// skip counts n contacts of the message that were not read at all.
func (r *cardReader) skip(n int) { r.cardsLeftOut += n }

// err returns the *ContactsLimitError of what was left out, or nil.
func (r *cardReader) err() error {
	if r.cardsLeftOut == 0 && r.phonesLeftOut == 0 {
		return nil
	}
	return &ContactsLimitError{Cards: len(r.cards), CardsLeftOut: r.cardsLeftOut, PhonesLeftOut: r.phonesLeftOut, Limits: r.lim}
}

// readRefs reads the cards of the contacts refs, as many as the reader
// takes, and returns the errors of the cards it could not read.
func (r *cardReader) readRefs(refs []VCardRef) error {
	var errs []error
	for i, ref := range refs {
		if r.full() {
			r.skip(len(refs) - i)
			break
		}
		if ref.VCard == "" {
			r.add(withAccounts(cardOfFields(r.parser(), ref), ref.Accounts))
			continue
		}
		got, err := r.parser().Parse(strings.NewReader(ref.VCard))
		if err != nil {
			errs = append(errs, fmt.Errorf("cardbot: contact %d (%q): %w", i, clip(ref.DisplayName, 64), err))
		}
		for _, card := range got {
			r.add(withAccounts(withFieldPhone(r.parser(), card, ref.Phone), ref.Accounts))
		}
	}
	return errors.Join(errs...)
}
