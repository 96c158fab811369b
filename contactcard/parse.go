package contactcard

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-vcard"
)

// parse runs the pre-pass over data, has go-vcard read the clean text and
// builds a Card of each card it read.
func (c *config) parse(data []byte) ([]Card, error) {
	pp := newPrepass(c.fallback, len(data))
	pp.run(data)
	if pp.cards == 0 {
		return nil, noCardError(data)
	}
	b := builder{cfg: c}
	cards := make([]Card, 0, pp.cards)
	dec := vcard.NewDecoder(bytes.NewReader(pp.out))
	for len(cards) < pp.cards {
		vc, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && len(vc) == 0 {
			// The pre-pass writes only lines go-vcard reads, so this is a
			// bug of ours, not bad input; say so rather than lose cards.
			return cards, fmt.Errorf("contactcard: internal error after card %d: %w", len(cards), err)
		}
		cards = append(cards, b.card(vc))
	}
	return cards, nil
}
