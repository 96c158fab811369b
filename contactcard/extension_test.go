package contactcard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 10, defect 3: an extension is cut only where a mark says it is one.
// Before, a spaced dash was cut as an extension when the whole value did not
// read as a number, so "+49 (0611) 123456 - 11" came out as the switchboard
// 49611123456, and so did "- 13" and "- 14".
func TestNormalizeExtension(t *testing.T) {
	runNormalize(t, []normCase{
		// Outlook's German direct-dial numbers: read whole. 0611 123456 - 11
		// dials as 0611 12345611, a valid Wiesbaden number of 13 digits.
		{name: "issue 10: spaced dash 11", raw: "+49 (0611) 123456 - 11", region: "RU", err: ErrPhoneLength,
			reason: []string{"+4961112345611", "13 digits"}},
		{name: "issue 10: spaced dash 11", raw: "+49 (0611) 123456 - 11", region: "DE", err: ErrPhoneLength,
			reason: []string{"+4961112345611", "13 digits"}},
		{name: "issue 10: spaced dash 14", raw: "+49 (0611) 123456 - 14", region: "RU", err: ErrPhoneLength,
			reason: []string{"+4961112345614", "13 digits"}},
		{name: "issue 10: spaced dash 13", raw: "+49 (0611) 123456 - 13", region: "RU", err: ErrPhoneLength,
			reason: []string{"+4961112345613", "13 digits"}},
		{name: "the switchboard itself", raw: "+49 (0611) 123456", region: "RU", want: "49611123456"},
		{name: "en dash", raw: "+49 (0611) 123456 – 11", region: "RU", err: ErrPhoneLength,
			reason: []string{"+4961112345611"}},
		{name: "spaced dash makes a British number too long", raw: "+44 20 7946 0958 - 2", region: "RU", err: ErrInvalidPhone,
			reason: []string{"+4420794609582", "valid"}},
		{name: "spaced dash makes a Russian number too long", raw: "+7 495 123-45-67 - 12", region: "RU", err: ErrInvalidPhone,
			reason: []string{"+7495123456712", "valid"}},
		{name: "spaced dashes inside a number", raw: "+7 900 123 - 45 - 67", region: "RU", want: "79001234567"},

		// Marked extensions are cut.
		{name: "ext", raw: "+49 (0611) 123456 ext 11", region: "RU", want: "49611123456"},
		{name: "ext.", raw: "+49 (0611) 123456 ext. 11", region: "RU", want: "49611123456"},
		{name: "EXT upper case", raw: "+49 (0611) 123456 EXT 11", region: "RU", want: "49611123456"},
		{name: "x", raw: "+49 (0611) 123456 x11", region: "RU", want: "49611123456"},
		{name: "spaced x", raw: "+49 (0611) 123456 x 11", region: "RU", want: "49611123456"},
		{name: "hash", raw: "+49 (0611) 123456#11", region: "RU", want: "49611123456"},
		{name: "spaced hash", raw: "+49 (0611) 123456 # 11", region: "RU", want: "49611123456"},
		{name: ";ext=", raw: "+49 611 123456;ext=11", region: "RU", want: "49611123456"},
		{name: "tel URI ;ext=", raw: "tel:+49-611-123456;ext=11", region: "RU", want: "49611123456"},
		{name: "доб.", raw: "+7 495 123-45-67 доб. 12", region: "RU", want: "74951234567"},
	})
}

// The direct-dial number read whole is the one Outlook meant: a wider
// length rule takes it.
func TestParserNormalizeDirectDial(t *testing.T) {
	got, err := Parser{MaxDigits: 13}.Normalize("+49 (0611) 123456 - 11")
	require.NoError(t, err)
	assert.Equal(t, "4961112345611", got)
}

func TestCutPhone(t *testing.T) {
	tests := []struct {
		raw, number, rest string
	}{
		{"+49 (0611) 123456 - 11", "+49 (0611) 123456 - 11", ""},
		{"+7 900 123 - 45 - 67", "+7 900 123 - 45 - 67", ""},
		{"+49 (0611) 123456 ext 11", "+49 (0611) 123456", "ext 11"},
		{"+49 (0611) 123456 x11", "+49 (0611) 123456", "x11"},
		{"+49 (0611) 123456#11", "+49 (0611) 123456", "#11"},
		{"+49 611 123456;ext=11", "+49 611 123456", ";ext=11"},
		{"tel:+49-611-123456;ext=11", "+49-611-123456", ";ext=11"},
		{"tel:+49-611-123456", "+49-611-123456", ""},
		{"+7 495 123-45-67,,5", "+7 495 123-45-67", ",,5"},
		{"+7 900 111-22-33 +7 900 444-55-66", "+7 900 111-22-33", "+7 900 444-55-66"},
		{"Tel.: +7 900 123 45 67 mobile", "+7 900 123 45 67", "mobile"},
		{"0044 20 7946 0958", "+44 20 7946 0958", ""},
		{"mobile", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			number, rest := cutPhone(tt.raw)
			assert.Equal(t, tt.number, number)
			assert.Equal(t, tt.rest, rest)
			assert.Equal(t, tt.number, cleanPhone(tt.raw))
		})
	}
}
