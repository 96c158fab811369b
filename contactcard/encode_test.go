package contactcard

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeText(t *testing.T) {
	card := Card{
		FormattedName: "Pat O'Brien", FirstName: "Pat", LastName: "O;Brien",
		Company: `Smith, Sons \ Co`, Title: "Head\nof sales",
		Phones: []Phone{
			{Raw: "+7 900 123-45-69", Number: "79001234569", WAID: "79001234569", Types: []string{"cell"}, Label: "Mobile"},
			{Raw: "8 (495) 123-45-67", Number: "74951234567", Types: []string{"work", "voice"}, Preferred: true},
			{Raw: "12,34", Err: &PhoneError{Raw: "12,34", Reason: "too short", Err: ErrInvalidPhone}},
		},
		Emails: []string{"pat@example.com"},
	}
	want := "BEGIN:VCARD\r\n" +
		"VERSION:3.0\r\n" +
		"N:O\\;Brien;Pat;;;\r\n" +
		"FN:Pat O'Brien\r\n" +
		"ORG:Smith\\, Sons \\\\ Co\r\n" +
		"TITLE:Head\\nof sales\r\n" +
		"item1.TEL;TYPE=CELL;waid=79001234569:+79001234569\r\n" +
		"item1.X-ABLabel:Mobile\r\n" +
		"TEL;TYPE=WORK,VOICE,PREF:+74951234567\r\n" +
		"TEL:12\\,34\r\n" +
		"EMAIL;TYPE=INTERNET:pat@example.com\r\n" +
		"END:VCARD\r\n"
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, card))
	assert.Equal(t, want, buf.String())
}

func TestEncodeFillsRequiredNames(t *testing.T) {
	tests := []struct {
		name string
		card Card
		fn   string
	}{
		{"from the structured name", Card{FirstName: "Ann", LastName: "Lee"}, "FN:Ann Lee\r\n"},
		{"from the company", Card{Company: "Acme"}, "FN:Acme\r\n"},
		{"empty", Card{}, "FN:\r\n"},
		{"control characters dropped, tab kept", Card{FormattedName: "A\x00n\x1bn\x7f\tB"}, "FN:Ann\tB\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, tt.card))
			assert.Contains(t, buf.String(), "\r\nN:")
			assert.Contains(t, buf.String(), "\r\n"+tt.fn)
		})
	}
}

func TestEncodeFolding(t *testing.T) {
	tests := []struct {
		name  string
		title string
	}{
		{"ASCII", strings.Repeat("abcdefghij", 40)},
		{"two-byte runes", strings.Repeat("Жёлтый ", 60) + "цвет"},
		{"three-byte runes", strings.Repeat("東京都渋谷区", 40)},
		{"four-byte runes", strings.Repeat("😀🚀", 70)},
		{"escapes near the fold", strings.Repeat(`a;b,c\d`, 50)},
		{"exactly 75 octets", strings.Repeat("x", 75-len("TITLE:"))},
		{"76 octets", strings.Repeat("x", 76-len("TITLE:"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, Card{FormattedName: "X", Title: tt.title}))
			text := buf.String()
			require.True(t, strings.HasSuffix(text, "\r\n"))
			for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
				assert.LessOrEqual(t, len(line), 75, "line %q", line)
				assert.True(t, utf8.ValidString(line), "line %q splits a UTF-8 sequence", line)
				assert.NotContains(t, line, "\n")
			}
			cards, err := Parse(strings.NewReader(text))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, tt.title, cards[0].Title)
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	cards := []Card{
		{
			FormattedName: "Виктор Андреевич", FirstName: "Виктор", LastName: "Андреевич", Company: "Image",
			Phones: []Phone{{Raw: "+7 234 567 8901", Number: "72345678901", WAID: "72345678901", Types: []string{"cell"}, Label: "Мобильный"}},
		},
		{
			FormattedName: "Dr. Mary Ann O'Neil-Smith Jr.", FirstName: "Mary", MiddleName: "Ann", LastName: "O'Neil-Smith",
			Prefix: "Dr.", Suffix: "Jr.", Company: "Acme; Widgets, Inc.", Title: "CTO",
			Phones: []Phone{
				{Raw: "+44 7911 123456", Number: "447911123456", Types: []string{"cell"}, Preferred: true},
				{Raw: "+380 50 123 4567", Number: "380501234567", Types: []string{"work", "voice"}},
			},
			Emails: []string{"mary@example.com", "m.smith@example.org"},
		},
		{FormattedName: "山田 太郎", FirstName: "太郎", LastName: "山田", Phones: []Phone{{Raw: "+81 90-1234-5678", Number: "819012345678"}}},
	}
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, cards...))
	got, err := Parse(&buf)
	require.NoError(t, err)
	require.Len(t, got, len(cards))
	for i, want := range cards {
		assert.Equal(t, want.FormattedName, got[i].FormattedName)
		assert.Equal(t, [5]string{want.FirstName, want.MiddleName, want.LastName, want.Prefix, want.Suffix},
			[5]string{got[i].FirstName, got[i].MiddleName, got[i].LastName, got[i].Prefix, got[i].Suffix})
		assert.Equal(t, want.Company, got[i].Company)
		assert.Equal(t, want.Title, got[i].Title)
		assert.Equal(t, want.Emails, got[i].Emails)
		require.Len(t, got[i].Phones, len(want.Phones))
		for j, p := range want.Phones {
			g := got[i].Phones[j]
			assert.Equal(t, p.Number, g.Number)
			assert.Equal(t, p.WAID, g.WAID)
			assert.Equal(t, p.Types, g.Types)
			assert.Equal(t, p.Label, g.Label)
			assert.Equal(t, p.Preferred, g.Preferred)
		}
	}
}

func TestEncodeWriteError(t *testing.T) {
	err := Encode(failingWriter{}, Card{FormattedName: "X"})
	require.ErrorIs(t, err, errWrite)

	var buf bytes.Buffer
	require.NoError(t, Encode(&buf))
	assert.Zero(t, buf.Len(), "no cards, nothing written")
}

var errWrite = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

// TestEncodeLineBreaks: every line break of a text value, CRLF, CR or LF,
// is written as one escaped \n, and reads back as a LF.
func TestEncodeLineBreaks(t *testing.T) {
	tests := []struct{ name, title string }{
		{"CRLF", "Head\r\nof sales"},
		{"CR", "Head\rof sales"},
		{"LF", "Head\nof sales"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, Card{FormattedName: "Pat", Title: tt.title}))
			assert.Contains(t, buf.String(), "TITLE:Head\\nof sales\r\n")
			cards, err := Parse(&buf)
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, "Head\nof sales", cards[0].Title)
		})
	}
}
