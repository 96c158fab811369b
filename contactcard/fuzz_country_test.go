package contactcard

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// FuzzNormalizeKeepsCountry checks that a number written with "+" never
// normalizes into another country than the one its own digits name,
// whatever the default region: the region only reads national numbers.
func FuzzNormalizeKeepsCountry(f *testing.F) {
	for _, s := range []struct{ raw, region string }{
		{"+7 900 123-45-67", "RU"}, {"+1 650 253 0000", "RU"}, {"+44 20 7946 0958", "KZ"},
		{"+380 50 123 4567", "RU"}, {"+86 138 6619 2019", "US"}, {"+49 (0611) 123456 - 11", "DE"},
		{"tel:+7-701-123-45-67;ext=12", "KZ"}, {"+98 76 1122 3344", "RU"}, {"+65 6123 4567", ""},
	} {
		f.Add(s.raw, s.region)
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		s := cleanPhone(raw)
		if len(s) < 2 || s[0] != '+' {
			return // national, or nothing: the region decides
		}
		written, err := phonenumbers.Parse(s, "ZZ")
		if err != nil {
			return
		}
		got, err := Normalize(raw, region)
		if err != nil {
			return
		}
		num, err := phonenumbers.Parse("+"+got, "ZZ")
		if err != nil {
			t.Fatalf("Normalize(%q, %q) = %q, which does not parse back: %v", raw, region, got, err)
		}
		if num.GetCountryCode() != written.GetCountryCode() {
			t.Fatalf("Normalize(%q, %q) = %q: country +%d, but the number is written with +%d",
				raw, region, got, num.GetCountryCode(), written.GetCountryCode())
		}
	})
}
