package contactcard

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParserTyped pins how a number a person typed is read: with the
// sender's region as a hint before the default region, and refused with
// the same typed errors as a card's numbers.
func TestParserTyped(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      Parser
		raw    string
		hints  []string
		number string
		region string
		from   Evidence
		err    error
	}{
		{"Russian way, no hint", Parser{}, "8 (916) 123-45-67", nil, "79161234567", "RU", EvidenceDefault, nil},
		{"with +", Parser{}, "+44 7911 123456", []string{"CA"}, "447911123456", "GG", EvidenceNumber, nil},
		{"North American way, no hint", Parser{}, "416-555-0123", nil, "", "", EvidenceNone, ErrAmbiguousPhone},
		{"North American way, a Canadian sender", Parser{}, "416-555-0123", []string{"ca"}, "14165550123", "CA", EvidenceHint, nil},
		{"a hint the number is invalid in falls to the default region", Parser{}, "8 (916) 123-45-67", []string{"CA"}, "79161234567", "RU", EvidenceDefault, nil},
		{"two hints that both read it", Parser{Region: "ZZ"}, "905 555-12-34", []string{"RU", "CA"}, "", "", EvidenceNone, ErrAmbiguousPhone},
		{"a hint that is no region is none", Parser{}, "8 (916) 123-45-67", []string{"XX", "", "ZZ"}, "79161234567", "RU", EvidenceDefault, nil},
		{"a valid number of 10 digits", Parser{}, "+65 6123 4567", nil, "", "", EvidenceNone, ErrPhoneLength},
		{"no digits", Parser{}, "my number", nil, "", "", EvidenceNone, ErrInvalidPhone},
		{"an unknown default region", Parser{Region: "XX"}, "8 (916) 123-45-67", nil, "", "", EvidenceNone, ErrUnknownRegion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p.Typed(tc.raw, tc.hints...)
			assert.Equal(t, tc.raw, p.Raw)
			if tc.err != nil {
				require.ErrorIs(t, p.Err, tc.err)
				var pe *PhoneError
				require.True(t, errors.As(p.Err, &pe))
				assert.Empty(t, p.Number)
				return
			}
			require.NoError(t, p.Err)
			assert.Equal(t, tc.number, p.Number)
			assert.Equal(t, tc.region, p.Region)
			assert.Equal(t, tc.from, p.RegionFrom, "evidence %v", p.RegionFrom)
		})
	}
}

func TestRegionOfNumber(t *testing.T) {
	for in, want := range map[string]string{
		"79161234567": "RU", "+14165550123": "CA", "447911123456": "GG", "77011234567": "KZ",
		"": "", "7916": "", "abc": "", "99912345678": "", "7916123456789012345": "",
	} {
		assert.Equal(t, want, RegionOfNumber(in), in)
	}
}
