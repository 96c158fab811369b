package contactcard

import (
	"bytes"
	"fmt"
	"io"

	"golang.org/x/text/encoding/unicode"
)

// readInput reads at most max bytes of r and returns them as UTF-8 (or as the
// legacy 8-bit text they are): a UTF-8 BOM is dropped and UTF-16 is decoded.
// NUL bytes are left to the pre-pass, which allows them only in a card's
// binary values (a photo's raw bytes) and returns no card otherwise.
func readInput(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("contactcard: reading input: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if order, skip, ok := utf16Order(data); ok {
		data = decodeUTF16(data[skip:], order)
	}
	return data, nil
}

// noCardError says why data held no card. It is binary when it holds a NUL
// byte: the pre-pass returns no card of input with a NUL byte anywhere but
// in a card's binary value (a PHOTO, LOGO, SOUND, KEY or base64 property),
// so a JPEG, a PDF or a zip is refused even when it holds a BEGIN:VCARD. It
// is binary too when more than one byte in 32 is a control character other
// than tab, line and form feed, carriage return and escape (text in any
// charset vCards use has none). Else it is text without a card.
func noCardError(data []byte) error {
	if bytes.IndexByte(data, 0) >= 0 {
		return fmt.Errorf("%w: it holds NUL bytes outside the binary values of its cards", ErrNotText)
	}
	controls := 0
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b {
			controls++
		}
	}
	if controls > len(data)/32 {
		return fmt.Errorf("%w: %d of its %d bytes are control characters", ErrNotText, controls, len(data))
	}
	return ErrNoCard
}

const utf8BOM = "\xef\xbb\xbf"

// utf16Order reports whether data is UTF-16 and in which byte order. A BOM
// says so; without one, text whose first two bytes are an ASCII character
// and a NUL (or a NUL and an ASCII character) is taken as UTF-16 too, since
// every vCard starts with ASCII. skip is the length of the BOM.
func utf16Order(data []byte) (bigEndian bool, skip int, ok bool) {
	if len(data) < 2 {
		return false, 0, false
	}
	switch {
	case data[0] == 0xFF && data[1] == 0xFE:
		return false, 2, true
	case data[0] == 0xFE && data[1] == 0xFF:
		return true, 2, true
	case data[0] != 0 && data[0] < 0x80 && data[1] == 0:
		return false, 0, true
	case data[0] == 0 && data[1] != 0 && data[1] < 0x80:
		return true, 0, true
	}
	return false, 0, false
}

// decodeUTF16 turns UTF-16 into UTF-8; malformed units (a lone surrogate,
// an odd last byte) become U+FFFD, so it does not fail.
func decodeUTF16(data []byte, bigEndian bool) []byte {
	order := unicode.LittleEndian
	if bigEndian {
		order = unicode.BigEndian
	}
	out, _ := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(data)
	return out
}
