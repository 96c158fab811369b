package contactcard

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"
)

const simpleCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Жанна Ли\r\nTEL:+7 900 123-45-67\r\nEND:VCARD\r\n"

func TestParseInputEncodings(t *testing.T) {
	utf16 := func(order unicode.Endianness, bom unicode.BOMPolicy) []byte {
		b, err := unicode.UTF16(order, bom).NewEncoder().Bytes([]byte(simpleCard))
		require.NoError(t, err)
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"UTF-8", []byte(simpleCard)},
		{"UTF-8 with BOM", append([]byte("\xef\xbb\xbf"), simpleCard...)},
		{"UTF-16 LE with BOM", utf16(unicode.LittleEndian, unicode.UseBOM)},
		{"UTF-16 BE with BOM", utf16(unicode.BigEndian, unicode.UseBOM)},
		{"UTF-16 LE without BOM", utf16(unicode.LittleEndian, unicode.IgnoreBOM)},
		{"UTF-16 BE without BOM", utf16(unicode.BigEndian, unicode.IgnoreBOM)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse(bytes.NewReader(tt.data))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, "Жанна Ли", cards[0].FormattedName)
			require.Len(t, cards[0].Phones, 1)
			assert.Equal(t, "79001234567", cards[0].Phones[0].Number)
		})
	}
}

func TestParseInputErrors(t *testing.T) {
	errRead := errors.New("connection reset")
	tests := []struct {
		name   string
		parser Parser
		r      io.Reader
		want   error
	}{
		{"empty", Parser{}, strings.NewReader(""), ErrNoCard},
		{"text without a card", Parser{}, strings.NewReader("Hello, my number is +7 900 123-45-67"), ErrNoCard},
		{"a card that never begins", Parser{}, strings.NewReader("FN:Ann\r\nTEL:+7 900 123-45-67\r\nEND:VCARD\r\n"), ErrNoCard},
		{"NUL bytes", Parser{}, strings.NewReader("BEGIN:VCARD\r\nFN:A\x00nn\r\nEND:VCARD\r\n"), ErrNotText},
		{"control characters", Parser{}, strings.NewReader(strings.Repeat("\x01\x02\x03BEGIN:VCARD\r\n", 10)), ErrNotText},
		{"over the cap", Parser{MaxBytes: int64(len(simpleCard) - 1)}, strings.NewReader(simpleCard), ErrTooLarge},
		{"read error", Parser{}, iotest.ErrReader(errRead), errRead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := tt.parser.Parse(tt.r)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, cards)
		})
	}
	// Control characters in a card's values do not make it binary.
	cards, err := Parse(strings.NewReader("BEGIN:VCARD\nFN:\x01\x02Ann\x03\nEND:VCARD\n"))
	require.NoError(t, err)
	require.Len(t, cards, 1)
	assert.Equal(t, "\x01\x02Ann\x03", cards[0].FormattedName)

	// Exactly at the cap is fine.
	cards, err = Parser{MaxBytes: int64(len(simpleCard))}.Parse(strings.NewReader(simpleCard))
	require.NoError(t, err)
	assert.Len(t, cards, 1)
}

func TestParserSettingsErrors(t *testing.T) {
	_, err := Parser{FallbackCharset: "no-such-charset"}.Parse(strings.NewReader(simpleCard))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no-such-charset")

	_, err = Parser{MinDigits: 13, MaxDigits: 11}.Parse(strings.NewReader(simpleCard))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MinDigits")
}

func TestParsePhoneLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\nFN:Many\n")
	for i := range 5 {
		b.WriteString("TEL:+7 900 123-45-6" + string(rune('0'+i)) + "\n")
	}
	b.WriteString("END:VCARD\n")
	cards, err := Parser{MaxPhones: 3}.Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	require.Len(t, cards[0].Phones, 5)
	for i, p := range cards[0].Phones {
		if i < 3 {
			assert.NoError(t, p.Err)
			assert.NotEmpty(t, p.Number)
			continue
		}
		assert.ErrorIs(t, p.Err, ErrPhoneLimit)
		assert.Empty(t, p.Number)
		assert.Equal(t, "+7 900 123-45-6"+string(rune('0'+i)), p.Raw, "the raw value is kept")
	}
}

func TestUnknownRegion(t *testing.T) {
	for _, region := range []string{"XX", "EU", "RUS", "1", "001"} {
		t.Run(region, func(t *testing.T) {
			err := CheckRegion(region)
			require.ErrorIs(t, err, ErrUnknownRegion)
			assert.Contains(t, err.Error(), region)

			_, err = Parser{Region: region}.Parse(strings.NewReader(simpleCard))
			require.ErrorIs(t, err, ErrUnknownRegion)
			_, err = Parser{Region: region}.Normalize("+7 900 123-45-67")
			require.ErrorIs(t, err, ErrUnknownRegion)
			_, err = Normalize("+7 900 123-45-67", region)
			require.ErrorIs(t, err, ErrUnknownRegion)
			var pe *PhoneError
			assert.False(t, errors.As(err, &pe), "a bad setting is no phone's error")
		})
	}
	for _, region := range []string{"", "ZZ", "zz", "RU", "kz", "GB"} {
		assert.NoError(t, CheckRegion(region), region)
	}
	// "ZZ" reads only what carries its country code, even in a card.
	cards, err := Parser{Region: "ZZ"}.Parse(strings.NewReader(
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL:8 900 123-45-67\r\nTEL:+44 20 7946 0958\r\nEND:VCARD\r\n"))
	require.NoError(t, err)
	require.Len(t, cards[0].Phones, 2)
	require.ErrorIs(t, cards[0].Phones[0].Err, ErrInvalidPhone, "read in GB, the other number's region, it is no number")
	assert.Contains(t, cards[0].Phones[0].Err.Error(), "in GB (the card's other numbers)")
	assert.Equal(t, "442079460958", cards[0].Phones[1].Number)
}

// TestParseMalformedUTF16: UTF-16 with a lone surrogate and an odd last
// byte is still read; the malformed units become U+FFFD.
func TestParseMalformedUTF16(t *testing.T) {
	card := strings.Replace(simpleCard, "Жанна Ли", "Жанна\uFFFFЛи", 1)
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(card))
	require.NoError(t, err)
	i := bytes.Index(b, []byte{0xff, 0xff})
	require.Positive(t, i)
	b[i], b[i+1] = 0x00, 0xd8 // U+D800, a high surrogate with no low one
	b = append(b, 'x')        // an odd last byte
	cards, err := Parse(bytes.NewReader(b))
	require.NoError(t, err)
	require.Len(t, cards, 1)
	assert.Equal(t, "Жанна\uFFFDЛи", cards[0].FormattedName)
	require.Len(t, cards[0].Phones, 1)
	assert.Equal(t, "79001234567", cards[0].Phones[0].Number)
}
