package contactcard

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pngBytes is the start of a PNG as a program that writes raw bytes into a
// vCard puts it there: NUL, CR and LF bytes, a colon, bytes over 0x7F.
const pngBytes = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x03\x00\x00\x00\x03\x08\x02\x00\x00\x00" +
	"\xd9J\"\xe8\x00\x00\x00\x0cIDAT:\x08\xd7c\xf8\xcf\x00\n\x00\x00\xff\xff\x00\x00\x00\x00IEND\xaeB`\x82"

// jpegBytes is the start of a JPEG (JFIF).
const jpegBytes = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00\x08\x06\x06"

// Binary bytes in the value of a PHOTO, LOGO, SOUND or KEY (or of any
// base64 property) do not make the input binary: the value is skipped, as
// photos always are, and the rest of the card is read (issue 10, defect 6).
func TestParseBinaryValues(t *testing.T) {
	tests := []struct {
		name string
		prop string // written between the card's N and TEL lines
	}{
		{"issue: kcontacts 2.1 base64 photo of raw bytes", "PHOTO;ENCODING=BASE64;WORK:" + pngBytes[:30] + "\r\n " + pngBytes[30:]},
		{"2.1 photo with a type, raw JPEG", "PHOTO;TYPE=JPEG;ENCODING=BASE64:" + jpegBytes},
		{"2.1 base64 block of raw bytes ended by a blank line", "PHOTO;ENCODING=BASE64;TYPE=PNG:\r\n" + pngBytes + "\r\n"},
		{"two raw photos in a row", "PHOTO;ENCODING=BASE64;WORK:" + pngBytes + "\r\nPHOTO;ENCODING=BASE64;HOME:" + pngBytes},
		{"inline blob without an encoding", "PHOTO;TYPE=JPEG:" + jpegBytes},
		{"NUL right after the colon", "PHOTO:\x00\x00\x00"},
		{"3.0 photo folded", "PHOTO;ENCODING=b;TYPE=PNG:" + pngBytes[:20] + "\r\n " + pngBytes[20:40] + "\r\n " + pngBytes[40:]},
		{"logo", "LOGO;TYPE=PNG:" + pngBytes},
		{"sound", "SOUND;TYPE=WAVE;ENCODING=BASE64:RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00"},
		{"key", "KEY;X509;ENCODING=BASE64:0\x82\x03\x1e0\x82\x02\x06\xa0\x03\x02\x01\x02\x02\x10\x00\x00"},
		{"grouped photo, lower case", "item1.photo;encoding=base64:" + pngBytes},
		{"other base64 property", "X-PIC;ENCODING=B:" + pngBytes},
		{"bytes over 0x7F, no NUL", "PHOTO;TYPE=JPEG:\xff\xd8\xff\xe1\xfe\xfe\xc0\x80"},
		{"NUL-bearing line of a photo that looks like a property", "PHOTO;ENCODING=BASE64:" + pngBytes + "\r\nTEL:\x00 a piece of the photo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n" + tt.prop +
				"\r\nTEL;CELL:+44 7911 123456\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n"
			cards, err := Parse(strings.NewReader(text))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			c := cards[0]
			assert.Equal(t, "Ann Lee", c.FormattedName)
			assert.Equal(t, []string{"ann@example.com"}, c.Emails)
			require.Len(t, c.Phones, 1)
			assert.Equal(t, "447911123456", c.Phones[0].Number)
		})
	}
}

// A card with a raw photo does not stop the cards after it from being read,
// and the fixture in the style of kcontacts' 2.1 output is read whole.
func TestParseBinaryValuesCards(t *testing.T) {
	text := "BEGIN:VCARD\r\nFN:Ann Lee\r\nPHOTO;ENCODING=BASE64:" + pngBytes + "\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nFN:Bob Ray\r\nTEL:+44 7911 123457\r\nEND:VCARD\r\n"
	cards, err := Parse(strings.NewReader(text))
	require.NoError(t, err)
	require.Len(t, cards, 2)
	assert.Equal(t, "Ann Lee", cards[0].FormattedName)
	assert.Equal(t, "Bob Ray", cards[1].FormattedName)

	cards = parseFixture(t, Parser{}, "kcontacts_21_raw_photo.vcf")
	require.Len(t, cards, 1)
	assertCard(t, 0, Card{
		FormattedName: "Ann Lee", FirstName: "Ann", LastName: "Lee",
		Phones: []Phone{tel("+44 7911 123456", "447911123456", "cell")},
		Emails: []string{"ann@example.com"},
	}, cards[0])
}

// Input that is not a vCard, or whose NUL bytes are outside a binary value,
// is still refused as binary: the NUL bytes of a card's photo are the only
// ones allowed.
func TestParseBinaryInputRefused(t *testing.T) {
	const card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL:+44 7911 123456\r\nEND:VCARD\r\n"
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"JPEG", []byte(jpegBytes + strings.Repeat("\x00\x11\x22\xff", 64)), ErrNotText},
		{"JPEG with a card in its comment", []byte(jpegBytes + card + "\xff\xd9"), ErrNotText},
		{"PNG holding a card", []byte(pngBytes + "tEXt" + card), ErrNotText},
		{"PDF with a binary stream", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Length 8>>stream\n\x00\x01\x02\x03\xff\xfe\x00\x00\nendstream\n"), ErrNotText},
		{"zip of a .vcf, deflated", zipOf(t, zip.Deflate, card), ErrNotText},
		{"zip of a .vcf, stored", zipOf(t, zip.Store, card), ErrNotText},
		{"NUL in a name", []byte("BEGIN:VCARD\r\nFN:A\x00nn\r\nPHOTO;ENCODING=BASE64:" + pngBytes + "\r\nEND:VCARD\r\n"), ErrNotText},
		{"NUL in a photo's header", []byte("BEGIN:VCARD\r\nFN:Ann\r\nPHOTO;TY\x00PE=JPEG:abc\r\nEND:VCARD\r\n"), ErrNotText},
		{"NUL after the card with a photo", []byte("BEGIN:VCARD\r\nPHOTO:" + pngBytes + "\r\nEND:VCARD\r\n\x00\x00"), ErrNotText},
		{"NUL in the card after the one with a photo", []byte("BEGIN:VCARD\r\nPHOTO:" + pngBytes + "\r\nEND:VCARD\r\n" +
			"BEGIN:VCARD\r\nFN:B\x00b\r\nEND:VCARD\r\n"), ErrNotText},
		{"NUL in a QP continuation that names a photo", []byte("BEGIN:VCARD\r\nFN;ENCODING=QUOTED-PRINTABLE:Ann=\r\nPHOTO:\x00\r\nEND:VCARD\r\n"), ErrNotText},
		{"NUL before any card", []byte("junk\x00\r\n" + card), ErrNotText},
		{"binary without NUL bytes", []byte(strings.Repeat("\x01\x02\x03\x04\x05\x06\xff", 40)), ErrNotText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse(bytes.NewReader(tt.data))
			require.ErrorIs(t, err, tt.want)
			assert.Empty(t, cards)
		})
	}
}

// zipOf returns a zip archive holding text as contact.vcf.
func zipOf(t *testing.T, method uint16, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "contact.vcf", Method: method})
	require.NoError(t, err)
	_, err = w.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// The public fixture that showed defect 6: kcontacts' own vCard 2.1 output
// of its vcard12 test card, whose two photos are raw PNG bytes. It reads as
// the same card as its 3.0 source, where the photos are base64. The corpus
// is not part of this repository: the test is skipped without it.
func TestParseCorpusKContactsRawPhoto(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "kcontacts")
	raw, err := os.ReadFile(filepath.Join(dir, "autotests__data__vcard12.vcf.2_1ref.vcf"))
	if os.IsNotExist(err) {
		t.Skipf("corpus absent (%v): run with ../shared/corpus next to the work tree", err)
	}
	require.NoError(t, err)
	require.Contains(t, string(raw), "\x00", "the fixture holds NUL bytes in its photos")
	src, err := os.ReadFile(filepath.Join(dir, "autotests__data__vcard12.vcf"))
	require.NoError(t, err)

	cards, err := Parse(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Len(t, cards, 1)
	assert.Equal(t, Card{
		FormattedName: "Good Looking", FirstName: "Good", LastName: "Looking",
		Emails: []string{"goodlooking@example.com"},
	}, cards[0])

	want, err := Parse(bytes.NewReader(src))
	require.NoError(t, err)
	assert.Equal(t, want, cards, "the 2.1 output reads as its 3.0 source")
}
