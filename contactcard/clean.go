package contactcard

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxPhoneInput bounds the characters cleanPhone reads; phonenumbers refuses
// more than 250 anyway.
const maxPhoneInput = 250

// cleanPhone cuts a phone value down to the number in it: "+", digits (of
// any script) and the punctuation written between them. It drops format and
// control characters, a "tel:" scheme and URI parameters, whatever comes
// before the first digit, "+" or "(", and whatever follows the number
// (words, labels, extensions, DTMF pauses, a second number after "," or
// ";"). A dash, spaced or not, stays in the number: it marks no extension.
// A leading "00" becomes "+". It returns "" when no digit is left.
func cleanPhone(raw string) string {
	number, _ := cutPhone(raw)
	return number
}

// cutPhone returns what cleanPhone returns and the rest of the value after
// the number: an extension ("ext 12", "#12", ";ext=12"), a pause, a label, a
// second number, the parameters of a tel: URI. The number never takes a
// digit of the rest.
func cutPhone(raw string) (number, rest string) {
	s := raw
	if len(s) > maxPhoneInput*4 {
		s = s[:maxPhoneInput*4]
	}
	if len(s) >= 4 && equalFoldASCII(s[:4], "tel:") {
		s = s[4:]
		if i := strings.IndexByte(s, ';'); i >= 0 {
			s, rest = s[:i], s[i:]
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	started, digits := false, 0
	for i, r := range s {
		if !started {
			switch {
			case unicode.IsDigit(r):
				digits++
			case r == '+' || r == '＋':
				r = '+'
			case r == '(' || r == '[':
			default:
				continue // invisible characters, a word or label before the number
			}
			started = true
			b.WriteRune(r)
			continue
		}
		if invisible(r) {
			continue
		}
		if !inNumber(r) {
			rest = s[i:] + rest // a word, an extension marker, a pause, a second number
			break
		}
		if unicode.IsDigit(r) {
			digits++
		}
		b.WriteRune(r)
	}
	if digits == 0 {
		return "", rest
	}
	out := strings.TrimRightFunc(b.String(), func(r rune) bool { return !unicode.IsDigit(r) })
	if strings.HasPrefix(out, "00") {
		out = "+" + out[2:]
	}
	return out, rest
}

// minSplitDigits is how many digits each part of a value must have for the
// value to be read as several numbers.
const minSplitDigits = 7

// splitNumbers returns the numbers of a value that holds several, separated
// by ",", ";" or "/" ("+7 900 111-22-33, +7 900 444-55-66"), or else the
// value itself. It splits only when two parts or more have seven digits or
// more, so that "0611/123456", "+7 495 123-45-67, доб. 12" and
// "tel:+1-650-253-0000;ext=1" stay whole; parts with fewer digits are
// dropped from a split value.
func splitNumbers(raw string) []string {
	if !strings.ContainsAny(raw, ",;/") {
		return []string{raw}
	}
	parts := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	numbers := parts[:0]
	for _, p := range parts {
		if countDigits(p) >= minSplitDigits {
			numbers = append(numbers, strings.TrimSpace(p))
		}
	}
	if len(numbers) < 2 {
		return []string{raw}
	}
	return numbers
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// inNumber reports whether r may stand inside a written number after its
// start: digits of any script and the punctuation people put between them.
func inNumber(r rune) bool {
	return unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || strings.ContainsRune(".()[]/", r)
}

// invisible reports whether r is a character nobody sees: bidi marks, a BOM,
// zero-width spaces, control characters, a decoding error.
func invisible(r rune) bool {
	return r == utf8.RuneError || unicode.Is(unicode.Cf, r) || unicode.IsControl(r)
}
