package contactcard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseFailureReasons: a number that cannot be parsed says why in
// terms of what was wrong with it, not of the region it was read in.
func TestParseFailureReasons(t *testing.T) {
	tests := []struct {
		name   string
		parse  func() error
		reason string
		not    string // what the reason must not say
	}{
		{"dialled out of the region to no country", func() error { _, err := Normalize("810 999 1234567", "RU"); return err },
			"in RU (the default region): it dials a calling code no country has", "is no region"},
		{"with 00 to no country", func() error { _, err := Normalize("00 999 1234567", "GB"); return err },
			"no country has this calling code", "is no region"},
		{"read in a non-geographic region", func() error {
			cards, err := Parser{}.Parse(strings.NewReader(card("TEL:+800 1234 5678", "TEL:1234 5678")))
			require.NoError(t, err)
			return cards[0].Phones[1].Err
		}, "in 001 (the card's other numbers): 001 is no region phonenumbers knows", ""},
		{"too long", func() error { _, err := Normalize("+7 "+strings.Repeat("1", 20), ""); return err },
			"too long to be a phone number", ""},
		{"too short after the country code", func() error { _, err := Normalize("+44 1", ""); return err },
			"too short to be a phone number", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse()
			require.ErrorIs(t, err, ErrInvalidPhone)
			assert.Contains(t, err.Error(), tt.reason)
			if tt.not != "" {
				assert.NotContains(t, err.Error(), tt.not)
			}
		})
	}
}
