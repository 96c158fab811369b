package contactcard

import (
	"strings"

	"github.com/emersion/go-vcard"
)

// Evidence says what decided the region a phone number was read in.
// Phone.RegionFrom holds it.
type Evidence uint8

// The kinds of evidence, strongest first. A number that carries its own
// country code (EvidenceNumber, EvidenceWAID, EvidenceContext) needs no
// other. A number written without one is read in the countries the card's
// addresses and labels name (EvidenceAddress), and nowhere else: a number
// invalid there is refused. When they name none, it is read in the
// regions of the card's address formats (EvidenceAddressFormat), and when
// it is a valid number in none of them, in the regions of the card's other
// numbers (EvidenceCard) together with the default region
// (EvidenceDefault). Those three are guesses: a reading under a guess is
// refused (ErrAmbiguousPhone) when the number is grouped the way another
// country writes its numbers and not the way its region writes it. See
// Parser.Parse.
const (
	// EvidenceNone: the number was not read; Phone.Err says why.
	EvidenceNone Evidence = iota
	// EvidenceNumber: the number is written with its country code: with
	// "+", "00", a region's own international prefix ("810" in Russia), or
	// as a global tel: URI ("tel:+1-650-253-0000").
	EvidenceNumber
	// EvidenceWAID: the number is the WhatsApp id of the TEL (its waid
	// parameter), which is international digits.
	EvidenceWAID
	// EvidenceContext: the number is a local tel: URI whose phone-context
	// gives its international prefix ("tel:863-1234;phone-context=+1-914-555").
	EvidenceContext
	// EvidenceAddress: the country of the card's address: the last
	// component of ADR ("Canada", "Deutschland", "Россия", "USA", "CA"),
	// or the last line of an address written whole or of a LABEL.
	EvidenceAddress
	// EvidenceCard: the region of the card's other numbers that carry their
	// country code, or of its WhatsApp ids.
	EvidenceCard
	// EvidenceDefault: the default region (Parser.Region, Normalize's
	// defaultRegion).
	EvidenceDefault
	// EvidenceAddressFormat: the format of the card's addresses, which
	// states no country: Apple's X-ABADR, the locale of the Mac that wrote
	// the card ("us", "fr"). It counts only when no address or label of
	// the card names a country, and ranks after EvidenceAddress and before
	// EvidenceCard (it is last only in numbering, which stays as it was).
	EvidenceAddressFormat
	// EvidenceHint: a region the caller named as a hint for a number a
	// person typed (Parser.Typed): the region of the sender's own number.
	// It ranks before the default region.
	EvidenceHint
)

// String returns the evidence in words, as the errors of Normalize use it.
func (e Evidence) String() string {
	switch e {
	case EvidenceNumber:
		return "its own country code"
	case EvidenceWAID:
		return "its WhatsApp id"
	case EvidenceContext:
		return "its tel: URI's phone-context"
	case EvidenceAddress:
		return "the card's address"
	case EvidenceCard:
		return "the card's other numbers"
	case EvidenceDefault:
		return "the default region"
	case EvidenceAddressFormat:
		return "the card's address format"
	case EvidenceHint:
		return "the sender's region"
	}
	return "no evidence"
}

// maxClueRegions bounds the regions one kind of evidence may name: a card
// whose numbers are in more countries than this says nothing of where its
// national numbers are, and reading each of them in every one would cost a
// parse per region.
const maxClueRegions = 4

// clues are what a card says of the region its national numbers are in.
type clues struct {
	address []string // regions its addresses and labels name
	formats []string // regions of its address formats (X-ABADR)
	numbers []string // regions of its numbers that carry a country code
	hints   []string // regions a caller hints at (Parser.Typed)
	scans   int      // the input's budget of grouping scans (see contradicted)
}

// addNumber records the region of a number of the card that carries its
// country code.
func (c *clues) addNumber(region string) {
	c.numbers = addRegion(c.numbers, region)
}

// addAddresses records the countries of the card's addresses: ADR's last
// component, or else the last line of its last component when that holds
// the whole address (Gmail writes "street\ncity\nUnited States of America"
// into one component); the last line of a LABEL, the address as printed.
// X-ABADR is the address's format, the locale of the Mac that wrote it
// ("us", "de"), not its country: it is a hint of its own, which counts
// only where no address names a country.
func (c *clues) addAddresses(vc vcard.Card) {
	for _, f := range vc[vcard.FieldAddress] {
		var adr [7]string
		splitStructured(f.Value, adr[:])
		country := adr[6]
		if country == "" {
			country = lastLine(adr[:])
		}
		c.addCountry(country)
	}
	for _, f := range vc["LABEL"] {
		c.addCountry(lastLine([]string{unescape(f.Value)}))
	}
	for _, f := range vc["X-ABADR"] {
		if v := strings.TrimSpace(f.Value); len(v) == 2 {
			c.formats = addRegion(c.formats, regionOfCountry(v))
		}
	}
}

// addCountry records the region a country names; a text that names none
// ("New Testonia", a street written in the wrong component) is no evidence.
func (c *clues) addCountry(country string) {
	c.address = addRegion(c.address, regionOfCountry(strings.TrimSpace(country)))
}

// lastLine returns the last line of the last non-empty component, when that
// component has several lines, or "".
func lastLine(components []string) string {
	for i := len(components) - 1; i >= 0; i-- {
		v := strings.TrimSpace(components[i])
		if v == "" {
			continue
		}
		j := strings.LastIndexByte(v, '\n')
		if j < 0 {
			return ""
		}
		return v[j+1:]
	}
	return ""
}

// addRegion adds r to rs unless it is there or empty.
func addRegion(rs []string, r string) []string {
	if r == "" {
		return rs
	}
	for _, have := range rs {
		if have == r {
			return rs
		}
	}
	return append(rs, r)
}
