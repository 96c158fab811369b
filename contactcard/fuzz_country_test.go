package contactcard

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// FuzzNormalizeKeepsCountry checks that a number written with "+" never
// normalizes into another country than the one its own digits name,
// whatever the default region: the region only reads national numbers.
// FuzzParse checks the same of every phone of a card, whatever the card's
// addresses and other numbers say.
func FuzzNormalizeKeepsCountry(f *testing.F) {
	for _, s := range []struct{ raw, region string }{
		{"+7 900 123-45-67", "RU"}, {"+1 650 253 0000", "RU"}, {"+44 20 7946 0958", "KZ"},
		{"+380 50 123 4567", "RU"}, {"+86 138 6619 2019", "US"}, {"+49 (0611) 123456 - 11", "DE"},
		{"tel:+7-701-123-45-67;ext=12", "KZ"}, {"+98 76 1122 3344", "RU"}, {"+65 6123 4567", ""},
	} {
		f.Add(s.raw, s.region)
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		if got, err := Normalize(raw, region); err == nil {
			keepsCountry(t, raw, got)
		}
	})
}

// keepsCountry fails the test when raw is written with "+" (or "00") and
// its normalized number got has another calling code than raw's digits.
func keepsCountry(t *testing.T, raw, got string) {
	t.Helper()
	s := cleanPhone(raw)
	if len(s) < 2 || s[0] != '+' {
		return // national, or nothing: the evidence decides
	}
	written, err := phonenumbers.Parse(s, "ZZ")
	if err != nil {
		return
	}
	num, err := phonenumbers.Parse("+"+got, "ZZ")
	if err != nil {
		t.Fatalf("%q normalized to %q, which does not parse back: %v", raw, got, err)
	}
	if num.GetCountryCode() != written.GetCountryCode() {
		t.Fatalf("%q normalized to %q: country +%d, but the number is written with +%d",
			raw, got, num.GetCountryCode(), written.GetCountryCode())
	}
}
