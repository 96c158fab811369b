package contactcard

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every expected number below was checked with phonenumbers.IsValidNumber;
// every ErrPhoneLength number is valid but outside 11–12 digits.

type normCase struct {
	name   string
	raw    string
	region string
	want   string
	err    error    // sentinel, or nil
	reason []string // substrings of the error message that say why
}

func runNormalize(t *testing.T, tests []normCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.name, func(t *testing.T) {
			got, err := Normalize(tt.raw, tt.region)
			if tt.err == nil {
				require.NoError(t, err, "Normalize(%q, %q)", tt.raw, tt.region)
				assert.Equal(t, tt.want, got, "Normalize(%q, %q)", tt.raw, tt.region)
				return
			}
			require.ErrorIs(t, err, tt.err, "Normalize(%q, %q) = %q", tt.raw, tt.region, got)
			assert.Empty(t, got)
			for _, other := range []error{ErrInvalidPhone, ErrPhoneLength} {
				if other != tt.err {
					assert.NotErrorIs(t, err, other)
				}
			}
			var pe *PhoneError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.raw, pe.Raw)
			assert.NotEmpty(t, pe.Reason)
			msg := err.Error()
			assert.NotEqual(t, tt.err.Error(), msg, "the message must say more than the sentinel")
			for _, s := range tt.reason {
				assert.Contains(t, msg, s)
			}
		})
	}
}

func TestNormalizeRU(t *testing.T) {
	runNormalize(t, []normCase{
		{name: "international", raw: "+7 900 123-45-67", region: "RU", want: "79001234567"},
		{name: "trunk 8 with brackets", raw: "8 (900) 123-45-67", region: "RU", want: "79001234567"},
		{name: "trunk 8 digits only", raw: "89001234567", region: "RU", want: "79001234567"},
		{name: "Moscow landline", raw: "8 (495) 123-45-67", region: "RU", want: "74951234567"},
		{name: "digits only with country code", raw: "79001234567", region: "RU", want: "79001234567"},
		{name: "00 prefix", raw: "0044 20 7946 0958", region: "RU", want: "442079460958"},
		{name: "00 prefix with space", raw: "00 44 20 7946 0958", region: "RU", want: "442079460958"},
		{name: "810 prefix", raw: "810 44 20 7946 0958", region: "RU", want: "442079460958"},
		{name: "8 10 prefix", raw: "8 10 44 20 7946 0958", region: "RU", want: "442079460958"},
		// Digits that are no number of the region are not guessed to be
		// international: the error says what they would be.
		{name: "Ukrainian digits are not guessed", raw: "380501234567", region: "RU", err: ErrInvalidPhone,
			reason: []string{"in RU (the default region) it reads as +7380501234567", "no number of RU has that many digits", "+380501234567 in UA", "nothing points there"}},
		{name: "Kazakh number", raw: "8 (701) 123-45-67", region: "RU", want: "77011234567"},
		{name: "leading LRM", raw: "\u200e+7 900 123-45-67", region: "RU", want: "79001234567"},
		{name: "leading BOM", raw: "\ufeff+7 900 123-45-67", region: "RU", want: "79001234567"},
		{name: "LRE and PDF around", raw: "\u202a+7 900 123-45-67\u202c", region: "RU", want: "79001234567"},
		{name: "trailing PDF", raw: "+7 900 123-45-67\u202c", region: "RU", want: "79001234567"},
		{name: "trailing PDI", raw: "+7 900 123-45-67\u2069", region: "RU", want: "79001234567"},
		{name: "FSI and PDI around", raw: "\u2068+7 900 123-45-67\u2069", region: "RU", want: "79001234567"},
		{name: "inner NBSP", raw: "+7\u00a0900\u00a0123\u00a045\u00a067", region: "RU", want: "79001234567"},
		{name: "inner zero-width space", raw: "+7 900\u200b123-45-67", region: "RU", want: "79001234567"},
		{name: "non-breaking hyphens", raw: "+7 900 123\u201145\u201167", region: "RU", want: "79001234567"},
		{name: "trailing newline", raw: "+7 900 123-45-67\n", region: "RU", want: "79001234567"},
		{name: "surrounding space", raw: " \t+7 900 123-45-67 \r\n", region: "RU", want: "79001234567"},
		{name: "fullwidth", raw: "＋７ ９００ １２３-４５-６７", region: "RU", want: "79001234567"},
		{name: "dots", raw: "+7.900.123.45.67", region: "RU", want: "79001234567"},
		{name: "ext", raw: "+7 495 123-45-67 ext 123", region: "RU", want: "74951234567"},
		{name: "ext.", raw: "+7 495 123-45-67 ext. 123", region: "RU", want: "74951234567"},
		{name: "x", raw: "+7 495 123-45-67 x123", region: "RU", want: "74951234567"},
		{name: "доб.", raw: "8 (495) 123-45-67 доб. 123", region: "RU", want: "74951234567"},
		{name: "trailing word", raw: "+7 900 123-45-67 mobile", region: "RU", want: "79001234567"},
		{name: "trailing Cyrillic in brackets", raw: "+7 900 123-45-67 (моб.)", region: "RU", want: "79001234567"},
		{name: "trailing WhatsApp", raw: "+7 900 123-45-67 WhatsApp", region: "RU", want: "79001234567"},
		{name: "tel URI", raw: "tel:+7-900-123-45-67", region: "RU", want: "79001234567"},
		{name: "TEL URI upper case", raw: "TEL:+7-900-123-45-67", region: "RU", want: "79001234567"},
		{name: "tel URI with ext", raw: "tel:+7-495-123-45-67;ext=12", region: "RU", want: "74951234567"},
		{name: "other country international", raw: "+1 650 253 0000", region: "RU", want: "16502530000"},

		{name: "a digit missing", raw: "8 900 123 45 6", region: "RU", err: ErrInvalidPhone,
			reason: []string{"in RU (the default region) it reads as +78900123456, which is in no range of numbers RU uses"}},
		{name: "a digit too many", raw: "+7 900 123 45 678", region: "RU", err: ErrInvalidPhone,
			reason: []string{"read with its own country code as +790012345678, but no number of +7 has that many digits"}},
		{name: "international missing a digit", raw: "+7 900 123 45 6", region: "RU", err: ErrInvalidPhone,
			reason: []string{"read with its own country code as +7900123456, too few digits for a number of +7"}},
		{name: "unassigned range", raw: "+7 000 000 00 00", region: "RU", err: ErrInvalidPhone,
			reason: []string{"as +70000000000, which is in no range of numbers +7 uses"}},
		{name: "national of no range", raw: "8 034 567 89 10", region: "RU", err: ErrInvalidPhone,
			reason: []string{"in RU (the default region) it reads as +70345678910, which is in no range of numbers RU uses"}},
		{name: "plus 8 typo", raw: "+8 900 123 45 67", region: "RU", err: ErrInvalidPhone, reason: []string{"no country has this calling code"}},
		{name: "GB national under RU", raw: "07911 123456", region: "RU", err: ErrInvalidPhone, reason: []string{"in RU (the default region)"}},
		{name: "00 with an unknown code", raw: "00 999 123 4567", region: "RU", err: ErrInvalidPhone},
		{name: "Singapore 10 digits", raw: "+65 6123 4567", region: "RU", err: ErrPhoneLength, reason: []string{"digits", "10"}},
		{name: "China mobile 13 digits", raw: "+86 138 0013 8000", region: "RU", err: ErrPhoneLength, reason: []string{"digits", "13"}},
		{name: "empty", raw: "", region: "RU", err: ErrInvalidPhone, reason: []string{"digits"}},
		{name: "spaces", raw: "   ", region: "RU", err: ErrInvalidPhone, reason: []string{"digits"}},
		{name: "invisible only", raw: "\u200e\u202c", region: "RU", err: ErrInvalidPhone, reason: []string{"digits"}},
		{name: "letters only", raw: "mobile", region: "RU", err: ErrInvalidPhone, reason: []string{"digits"}},
		{name: "Cyrillic letters only", raw: "нет номера", region: "RU", err: ErrInvalidPhone, reason: []string{"digits"}},
		{name: "sip URI", raw: "sip:x@example.com", region: "RU", err: ErrInvalidPhone, reason: []string{"digits"}},
		{name: "too short", raw: "112", region: "RU", err: ErrInvalidPhone},
	})
}

func TestNormalizeNoRegion(t *testing.T) {
	runNormalize(t, []normCase{
		{name: "international", raw: "+7 900 123-45-67", want: "79001234567"},
		// Without a region, digits without "+" are read nowhere; the error
		// says what they would be as an international number.
		{name: "WhatsApp digits", raw: "79001234567", err: ErrInvalidPhone,
			reason: []string{"no country code, and no region to read it in", "+79001234567 in RU", "write it with +"}},
		{name: "Ukrainian digits", raw: "380501234567", err: ErrInvalidPhone, reason: []string{"+380501234567 in UA"}},
		{name: "UK digits", raw: "442079460958", err: ErrInvalidPhone, reason: []string{"+442079460958 in GB"}},
		{name: "00 prefix", raw: "0044 20 7946 0958", want: "442079460958"},
		{name: "tel URI", raw: "tel:+44-7911-123456", want: "447911123456"},
		{name: "trailing PDF", raw: "+380501234567\u202c", want: "380501234567"},
		{name: "national RU", raw: "8 (900) 123-45-67", err: ErrInvalidPhone, reason: []string{"country"}},
		{name: "national GB", raw: "07911 123456", err: ErrInvalidPhone},
		{name: "digits of no country", raw: "89001234567", err: ErrInvalidPhone},
		{name: "Singapore", raw: "+6561234567", err: ErrPhoneLength, reason: []string{"+6561234567 has 10 digits where 11–12 are needed"}},
		{name: "empty", raw: "", err: ErrInvalidPhone, reason: []string{"digits"}},
	})
}

func TestNormalizeRegions(t *testing.T) {
	runNormalize(t, []normCase{
		// Kazakhstan shares +7 and the trunk 8 with Russia.
		{name: "national mobile", raw: "8 (701) 123-45-67", region: "KZ", want: "77011234567"},
		{name: "national landline", raw: "8 727 250 12 34", region: "KZ", want: "77272501234"},
		{name: "international", raw: "+7 701 123 4567", region: "KZ", want: "77011234567"},
		{name: "digits with country code", raw: "77011234567", region: "KZ", want: "77011234567"},
		{name: "Russian number", raw: "8 900 123-45-67", region: "KZ", want: "79001234567"},
		{name: "00 prefix", raw: "0044 20 7946 0958", region: "KZ", want: "442079460958"},

		// Belarus: trunk 8, then 0 and the operator code.
		{name: "national", raw: "8 029 123-45-67", region: "BY", want: "375291234567"},
		{name: "national digits", raw: "80291234567", region: "BY", want: "375291234567"},
		{name: "international", raw: "+375 29 123-45-67", region: "BY", want: "375291234567"},
		{name: "digits with country code", raw: "375291234567", region: "BY", want: "375291234567"},
		{name: "Russian national is not Belarusian", raw: "8 (900) 123-45-67", region: "BY", err: ErrInvalidPhone},
		{name: "Russian international", raw: "+7 900 123-45-67", region: "BY", want: "79001234567"},

		// Ukraine: trunk 0.
		{name: "national", raw: "050 123 4567", region: "UA", want: "380501234567"},
		{name: "national brackets", raw: "(067) 123-45-67", region: "UA", want: "380671234567"},
		{name: "national spaced", raw: "0 50 123 45 67", region: "UA", want: "380501234567"},
		{name: "Kyiv landline", raw: "044 123 4567", region: "UA", want: "380441234567"},
		{name: "international", raw: "+380 50 123 4567", region: "UA", want: "380501234567"},
		{name: "digits with country code", raw: "380501234567", region: "UA", want: "380501234567"},
		{name: "00 prefix", raw: "00 380 50 123 4567", region: "UA", want: "380501234567"},
		{name: "a digit missing", raw: "050 123 456", region: "UA", err: ErrInvalidPhone},

		// United Kingdom.
		{name: "London", raw: "020 7946 0958", region: "GB", want: "442079460958"},
		{name: "mobile", raw: "07911 123456", region: "GB", want: "447911123456"},
		{name: "international with (0)", raw: "+44 (0) 20 7946 0958", region: "GB", want: "442079460958"},
		{name: "00 prefix", raw: "00 44 20 7946 0958", region: "GB", want: "442079460958"},
		{name: "ext.", raw: "+44 20 7946 0958 ext. 5", region: "GB", want: "442079460958"},
		{name: "Russian international", raw: "+7 900 123-45-67", region: "GB", want: "79001234567"},
		{name: "Russian trunk 8 is not British", raw: "8 900 123-45-67", region: "GB", err: ErrInvalidPhone},

		// Germany: fixed lines of 12 digits pass, mobiles of 13 do not.
		{name: "Berlin", raw: "030 12345678", region: "DE", want: "493012345678"},
		{name: "mobile of 12 digits", raw: "0170 1234567", region: "DE", want: "491701234567"},
		{name: "00 prefix", raw: "0049 30 12345678", region: "DE", want: "493012345678"},
		{name: "mobile of 13 digits", raw: "+49 151 23456789", region: "DE", err: ErrPhoneLength, reason: []string{"digits", "13"}},
		{name: "national mobile of 13 digits", raw: "01512 3456789", region: "DE", err: ErrPhoneLength, reason: []string{"digits", "13"}},
		// A valid German national number wins over reading the digits as +7.
		{name: "Russian digits read as German", raw: "79001234567", region: "DE", err: ErrPhoneLength, reason: []string{"digits", "13"}},

		// United States.
		{name: "national", raw: "(650) 253-0000", region: "US", want: "16502530000"},
		{name: "national dashes", raw: "650-253-0000", region: "US", want: "16502530000"},
		{name: "with 1", raw: "1 (650) 253-0000", region: "US", want: "16502530000"},
		{name: "international", raw: "+1 650 253 0000", region: "US", want: "16502530000"},
		{name: "x extension", raw: "+1 650-253-0000 x123", region: "US", want: "16502530000"},
		{name: "New York", raw: "+1 212 555 0123", region: "US", want: "12125550123"},
		{name: "fictional 555 range", raw: "+1 (555) 123-4567", region: "US", err: ErrInvalidPhone, reason: []string{"valid"}},
		{name: "Russian digits are not guessed", raw: "79001234567", region: "US", err: ErrInvalidPhone,
			reason: []string{"in US (the default region) it reads as +179001234567, too many digits for a number of US", "+79001234567 in RU"}},

		// Brazil: landlines have 12 digits, mobiles 13.
		{name: "São Paulo landline", raw: "(11) 3123-4567", region: "BR", want: "551131234567"},
		{name: "landline international", raw: "+55 11 3123-4567", region: "BR", want: "551131234567"},
		{name: "mobile", raw: "+55 11 91234-5678", region: "BR", err: ErrPhoneLength, reason: []string{"digits", "13"}},
		{name: "national mobile", raw: "(11) 91234-5678", region: "BR", err: ErrPhoneLength, reason: []string{"digits", "13"}},

		// China: Beijing landlines have 12 digits, mobiles 13.
		{name: "Beijing", raw: "010 6552 9988", region: "CN", want: "861065529988"},
		{name: "Beijing international", raw: "+86 10 6552 9988", region: "CN", want: "861065529988"},
		{name: "mobile", raw: "138 0013 8000", region: "CN", err: ErrPhoneLength, reason: []string{"digits", "13"}},
		{name: "mobile international", raw: "+86 138 0013 8000", region: "CN", err: ErrPhoneLength, reason: []string{"digits", "13"}},

		// Singapore: every number has 10 digits.
		{name: "landline", raw: "6123 4567", region: "SG", err: ErrPhoneLength, reason: []string{"digits", "10"}},
		{name: "mobile", raw: "+65 9123 4567", region: "SG", err: ErrPhoneLength, reason: []string{"digits", "10"}},
		{name: "Russian international", raw: "+7 900 123-45-67", region: "SG", want: "79001234567"},
		{name: "Russian digits are not guessed", raw: "79001234567", region: "SG", err: ErrInvalidPhone,
			reason: []string{"in SG (the default region) it reads as +6579001234567", "+79001234567 in RU"}},
	})
}

func TestNormalizeRegionCase(t *testing.T) {
	got, err := Normalize("8 (900) 123-45-67", "ru")
	require.NoError(t, err)
	assert.Equal(t, "79001234567", got)
}

func TestParserNormalize(t *testing.T) {
	tests := []struct {
		name string
		p    Parser
		raw  string
		want string
		err  error
	}{
		{"zero Parser is RU", Parser{}, "8 (900) 123-45-67", "79001234567", nil},
		{"region GB", Parser{Region: "GB"}, "07911 123456", "447911123456", nil},
		{"SG under 10–12", Parser{Region: "SG", MinDigits: 10}, "6123 4567", "6561234567", nil},
		{"CN under 11–13", Parser{Region: "CN", MaxDigits: 13}, "138 0013 8000", "8613800138000", nil},
		{"RU under exactly 12", Parser{MinDigits: 12, MaxDigits: 12}, "+7 900 123-45-67", "", ErrPhoneLength},
		{"UA under exactly 12", Parser{MinDigits: 12, MaxDigits: 12}, "+380 50 123 4567", "380501234567", nil},
		{"still invalid under a wide rule", Parser{MinDigits: 1, MaxDigits: 15}, "8 900 123 45 6", "", ErrInvalidPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.p.Normalize(tt.raw)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// Every failure names the value it was given.
func TestNormalizeErrorNamesValue(t *testing.T) {
	for _, raw := range []string{"8 900 123 45 6", "+65 6123 4567", "mobile"} {
		_, err := Normalize(raw, "RU")
		require.Error(t, err)
		assert.True(t, strings.Contains(err.Error(), raw), "%q does not name %q", err, raw)
		assert.True(t, errors.Is(err, ErrInvalidPhone) || errors.Is(err, ErrPhoneLength))
	}
}

func TestParserPhone(t *testing.T) {
	tests := []struct {
		name   string
		p      Parser
		raw    string
		number string
		region string
		from   Evidence
		err    error
	}{
		{"national in the default region", Parser{Region: "KZ"}, "8 (701) 123-45-67", "77011234567", "KZ", EvidenceDefault, nil},
		{"another region's number of the same code", Parser{}, "8 (701) 123-45-67", "77011234567", "KZ", EvidenceDefault, nil},
		{"international", Parser{Region: "KZ"}, "+44 20 7946 0958", "442079460958", "GB", EvidenceNumber, nil},
		{"tel: URI context", Parser{}, "tel:7946-0958;phone-context=+44-20", "442079460958", "GB", EvidenceContext, nil},
		{"no number of the region", Parser{}, "07911 123456", "", "", EvidenceNone, ErrInvalidPhone},
		{"length", Parser{}, "+65 6123 4567", "", "", EvidenceNone, ErrPhoneLength},
		{"unknown region", Parser{Region: "XX"}, "+7 900 123-45-67", "", "", EvidenceNone, ErrUnknownRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p.Phone(tt.raw)
			assert.Equal(t, tt.raw, p.Raw)
			assert.Equal(t, tt.number, p.Number)
			assert.Equal(t, tt.region, p.Region)
			assert.Equal(t, tt.from, p.RegionFrom)
			if tt.err == nil {
				assert.NoError(t, p.Err)
				return
			}
			require.ErrorIs(t, p.Err, tt.err)
			var pe *PhoneError
			require.ErrorAs(t, p.Err, &pe)
			assert.Equal(t, tt.raw, pe.Raw)
		})
	}
}
