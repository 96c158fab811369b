package contactcard

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that no input makes Parse panic or hang, that it returns
// cards or an error (never both empty), and that what it returns is
// consistent: numbers are digits within the length rule, failed phones say
// why.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, name := range seeds {
		if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte("BEGIN:VCARD\nN:O\\;Brien;Pat\nTEL;CELL;PREF:8 900 123-45-67\nEND:VCARD"))
	f.Add([]byte("BEGIN:VCARD\r\nFN;ENCODING=QUOTED-PRINTABLE:=D0=90=\r\n=D0=91\r\nPHOTO;BASE64:\r\n AAA\r\n\r\nEND:VCARD"))
	f.Add([]byte("\xff\xfeB\x00E\x00G\x00I\x00N\x00:\x00V\x00C\x00A\x00R\x00D\x00"))
	f.Add([]byte(" BEGIN:VCARD\nA.B.TEL:416-555-0123\nAGENT:BEGIN:VCARD\\nTEL:905 555 0199\\nAGENT:BEGIN:VCARD\\\\nFN:x\\nEND:VCARD\n  END:VCARD\n"))
	f.Add([]byte("g.BEGIN:VCARD\nitem1.ADR:;;;Ottawa;;;Canada\nitem1.X-ABADR:fr\nTEL:613 555 012\ng.END:VCARD"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, err := Parse(bytes.NewReader(data))
		if err != nil {
			if len(cards) != 0 {
				t.Fatalf("cards and an error: %v", err)
			}
			if !errors.Is(err, ErrNoCard) && !errors.Is(err, ErrNotText) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(cards) == 0 {
			t.Fatal("no cards and no error")
		}
		for _, c := range cards {
			for _, p := range c.Phones {
				switch {
				case p.Number == "" && p.Err == nil:
					t.Fatalf("phone %q has neither a number nor an error", p.Raw)
				case p.Number != "" && (p.Err != nil || len(p.Number) < DefaultMinDigits || len(p.Number) > DefaultMaxDigits || strings.Trim(p.Number, "0123456789") != ""):
					t.Fatalf("bad number %q (err %v) from %q", p.Number, p.Err, p.Raw)
				case p.Number != "" && p.RegionFrom == EvidenceNone, p.Number == "" && (p.Region != "" || p.RegionFrom != EvidenceNone):
					t.Fatalf("phone %q → %q says region %q from %v", p.Raw, p.Number, p.Region, p.RegionFrom)
				case p.Number != "" && p.WAID == "":
					keepsCountry(t, p.Raw, p.Number)
				}
			}
		}
	})
}

// FuzzNormalize checks that Normalize never panics, and that it returns
// either digits within the length rule, a *PhoneError of a known kind, or
// ErrUnknownRegion for a region CheckRegion refuses.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"8 (900) 123-45-67", "+7 900 123-45-67", "0044 20 7946 0958", "380501234567", "+65 6123 4567",
		"8 900 123 45 6", "\u200e+7 900 123-45-67\u202c", "tel:+1-650-253-0000;ext=123", "+7 (495) 123-45-67 доб. 123",
		"１２３", "+", "00", "(((", "x", "+7 900 111-22-33, +7 900 444-55-66",
	} {
		f.Add(s, "RU")
	}
	f.Add("+44 7911 123456", "")
	f.Add("07911 123456", "GB")
	f.Add("0171 2345678", "DE")
	f.Add("+7 900 123-45-67", "XX") // no region: ErrUnknownRegion
	f.Add("416-555-0123", "RU")     // grouped as North America writes: ErrAmbiguousPhone
	f.Add("(067) 123-45-67", "UA")
	f.Fuzz(func(t *testing.T, raw, region string) {
		digits, err := Normalize(raw, region)
		if errors.Is(err, ErrUnknownRegion) {
			if CheckRegion(region) == nil || digits != "" {
				t.Fatalf("Normalize(%q, %q): %v for a region CheckRegion takes, or with digits %q", raw, region, err, digits)
			}
			return
		}
		if err != nil {
			var pe *PhoneError
			if !errors.As(err, &pe) || !(errors.Is(err, ErrInvalidPhone) || errors.Is(err, ErrPhoneLength)) {
				t.Fatalf("error of unknown kind: %v", err)
			}
			if digits != "" {
				t.Fatalf("digits %q and an error", digits)
			}
			if !utf8.ValidString(pe.Reason) || pe.Reason == "" {
				t.Fatalf("no reason: %v", err)
			}
			if errors.Is(err, ErrAmbiguousPhone) && (len(pe.Regions) == 0 || !strings.Contains(pe.Reason, "country code")) {
				t.Fatalf("an ambiguous number that names no country or does not ask for its country code: %v", err)
			}
			return
		}
		if len(digits) < DefaultMinDigits || len(digits) > DefaultMaxDigits || strings.Trim(digits, "0123456789") != "" {
			t.Fatalf("Normalize(%q, %q) = %q", raw, region, digits)
		}
	})
}

// FuzzEncodeRoundTrip checks that whatever names Encode is given, Parse
// reads them back (less surrounding spaces and the control characters vCard
// cannot carry) and every line Encode writes fits in 75 octets.
func FuzzEncodeRoundTrip(f *testing.F) {
	f.Add("Pat", "O;Brien", "Acme, Inc.", `a\b`+"\n"+"c")
	f.Add("Жёлтый", "東京", "😀", "")
	f.Fuzz(func(t *testing.T, first, last, company, title string) {
		for _, s := range []string{first, last, company, title} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, '\r') {
				return // Parse reads text; a lone CR is a line end in a value too
			}
		}
		in := Card{FirstName: first, LastName: last, Company: company, Title: title}
		var buf bytes.Buffer
		if err := Encode(&buf, in); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(buf.String(), "\r\n") {
			if len(line) > maxLineOctets {
				t.Fatalf("line of %d octets: %q", len(line), line)
			}
		}
		cards, err := Parse(&buf)
		if err != nil || len(cards) != 1 {
			t.Fatalf("Parse: %v, %d cards", err, len(cards))
		}
		got := cards[0]
		trim := func(s string) string {
			return strings.TrimSpace(strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
					return -1
				}
				return r
			}, s))
		}
		if got.FirstName != trim(first) || got.LastName != trim(last) || got.Company != trim(company) || got.Title != trim(title) {
			t.Fatalf("round trip: got %q %q %q %q", got.FirstName, got.LastName, got.Company, got.Title)
		}
	})
}
