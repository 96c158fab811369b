package contactcard

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseGuessContradicted pins issue #22's wrong numbers: a number
// without its country code that a guess (the default region, the card's
// other numbers, an address format) reads as a valid number is refused
// when it is written the way other countries write numbers and not the
// way the guessed region writes it; a hint never outranks a country an
// address states, and a number invalid in the stated country is not read
// elsewhere. Numbers written the region's own way keep working.
func TestParseGuessContradicted(t *testing.T) {
	type want struct {
		number  string   // "" when refused
		from    Evidence // when read
		err     error    // when refused
		regions []string // PhoneError.Regions that must be named
		reason  []string // substrings of the error
	}
	for _, tc := range []struct {
		name   string
		region string
		in     string
		want   want
	}{
		// Item 1: a foreign national number read in the default region.
		{"Toronto number grouped 3-3-4 with dashes", "", card("TEL;TYPE=WORK:416-555-0123"),
			want{err: ErrAmbiguousPhone, regions: []string{"RU", "CA"}, reason: []string{"+7 416 555-01-23", "+1 416-555-0123", "write it with its country code"}}},
		{"Ontario number grouped 3-3-4 with spaces", "", card("TEL:905 555 0199"),
			want{err: ErrAmbiguousPhone, regions: []string{"RU"}, reason: []string{"+7 905 555-01-99", "not written the way RU writes that number"}}},
		{"North American toll-free", "", card("TEL:800-555-0199"),
			want{err: ErrAmbiguousPhone, regions: []string{"RU"}, reason: []string{"+7 800 555-01-99"}}},
		{"fictional US number on a card of a US street", "", card("TEL:495-555-0123", "ADR;TYPE=WORK:;;1200 Elm Street;Springfield;IL;62704;"),
			want{err: ErrAmbiguousPhone, regions: []string{"RU", "US"}, reason: []string{"US writes +1 495-555-0123 (an unassigned number there)"}}},
		{"bracketed area code", "", card("TEL:(916) 123-4567"),
			want{err: ErrAmbiguousPhone, regions: []string{"RU"}}},
		{"the card's other number is a guess too", "", card("TEL:+7 495 123-45-67", "TEL:416-555-0123"),
			want{err: ErrAmbiguousPhone, regions: []string{"RU", "CA"}}},
		{"Russian mobile with trunk prefix", "", card("TEL:8 (916) 123-45-67"), want{number: "79161234567", from: EvidenceDefault}},
		{"Russian mobile without trunk prefix", "", card("TEL:916 123-45-67"), want{number: "79161234567", from: EvidenceDefault}},
		{"Russian mobile in one run", "", card("TEL:89161234567"), want{number: "79161234567", from: EvidenceDefault}},
		{"Russian mobile in two groups", "", card("TEL:916 1234567"), want{number: "79161234567", from: EvidenceDefault}},
		{"Russian mobile dashed after the trunk prefix", "", card("TEL:8-916-123-45-67"), want{number: "79161234567", from: EvidenceDefault}},
		{"Russian mobile with +", "", card("TEL:+7 916 123-45-67"), want{number: "79161234567", from: EvidenceNumber}},
		{"Ukrainian mobile grouped finer than its format", "UA", card("TEL:(067) 123-45-67"), want{number: "380671234567", from: EvidenceDefault}},
		{"the address states the country the grouping names", "", card("TEL:416-555-0123", "ADR:;;1 Front St;Toronto;ON;;Canada"),
			want{number: "14165550123", from: EvidenceAddress}},

		// Item 2: a format hint ranked above a statement.
		{"Ottawa number missing a digit, Mac locale fr", "", card("item1.ADR:;;100 Bank St;Ottawa;ON;K1P 5N2;Canada", "item1.X-ABADR:fr", "TEL:613 555 012"),
			want{err: ErrInvalidPhone, reason: []string{"in CA (the card's address)", "read only in the country its card's address names"}}},
		{"a label states the country over the address format", "", card("item1.ADR:;;100 Bank St;Ottawa;ON;K1P 5N2;", "item1.X-ABADR:fr", "LABEL:100 Bank St\\nOttawa ON K1P 5N2\\nCanada", "TEL:613 555 012"),
			want{err: ErrInvalidPhone, reason: []string{"in CA (the card's address)"}}},
		{"the address format counts where nothing states a country", "", card("item1.ADR:;;1 rue de Rivoli;Paris;;75001;", "item1.X-ABADR:fr", "TEL:01 42 68 53 00"),
			want{number: "33142685300", from: EvidenceAddressFormat}},
		{"a number the address format cannot read falls to the default region", "", card("item1.ADR:;;Str. 1;Berlin;;;", "item1.X-ABADR:us", "TEL:8 (916) 123-45-67"),
			want{number: "79161234567", from: EvidenceDefault}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cards, err := Parser{Region: tc.region}.Parse(strings.NewReader(tc.in))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			phones := cards[0].Phones
			p := phones[len(phones)-1]
			if tc.want.number != "" {
				require.NoError(t, p.Err)
				assert.Equal(t, tc.want.number, p.Number)
				assert.Equal(t, tc.want.from, p.RegionFrom, "evidence %v", p.RegionFrom)
				return
			}
			require.Error(t, p.Err, "read as %s (%s, %v)", p.Number, p.Region, p.RegionFrom)
			require.ErrorIs(t, p.Err, tc.want.err)
			require.ErrorIs(t, p.Err, ErrInvalidPhone, "every refusal is an invalid phone")
			assert.Empty(t, p.Number)
			var pe *PhoneError
			require.True(t, errors.As(p.Err, &pe))
			for _, r := range tc.want.regions {
				assert.Contains(t, pe.Regions, r)
			}
			for _, s := range tc.want.reason {
				assert.Contains(t, p.Err.Error(), s)
			}
		})
	}
}

// TestNormalizeGuessContradicted: a typed number is held to the same rule.
func TestNormalizeGuessContradicted(t *testing.T) {
	_, err := Normalize("416-555-0123", "RU")
	require.ErrorIs(t, err, ErrAmbiguousPhone)
	got, err := Normalize("8 (916) 123-45-67", "RU")
	require.NoError(t, err)
	assert.Equal(t, "79161234567", got)
	got, err = Normalize("416-555-0123", "CA")
	require.NoError(t, err)
	assert.Equal(t, "14165550123", got)
}
