package contactcard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// card writes a vCard 3.0 of the given property lines.
func card(lines ...string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Test\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCARD\r\n"
}

// A national number is read with the card's own evidence of its region,
// never guessed to be international. Every number below that normalizes
// was checked with phonenumbers.IsValidNumber; each refusal says why.
func TestParseRegionEvidence(t *testing.T) {
	type want struct {
		number string   // "" when the phone must fail
		region string   // Phone.Region when it normalizes
		from   Evidence // Phone.RegionFrom when it normalizes
		err    error    // sentinel when it fails
		digits string   // PhoneError.Digits when it fails, if any
		reason []string // substrings of the error
	}
	tests := []struct {
		name   string
		region string // Parser.Region
		input  string
		raw    string // the phone checked: the card's phone of this Raw
		want   want
	}{
		// Defect 1: the international retry invented numbers abroad.
		{"Chinese mobile on a Shanghai card is Chinese", "", card("TEL:13866192019", "ADR:;;1 Road;Shanghai;;200000;China"),
			"13866192019", want{err: ErrPhoneLength, digits: "8613866192019", reason: []string{"+8613866192019 has 13 digits"}}},
		{"Chinese mobile without evidence is not a +1 number", "", card("TEL:13866192019"),
			"13866192019", want{err: ErrInvalidPhone, reason: []string{
				"in RU (the default region) it reads as +713866192019",
				"as international digits it would be +13866192019 in US, but nothing points there"}}},
		{"digits are not guessed to be Iranian", "", card("TEL:9876 /11223344"),
			"9876 /11223344", want{err: ErrInvalidPhone, reason: []string{"+987611223344 in IR, but nothing points there"}}},

		// Defect 2: the card's address decides, before the default region.
		{"Toronto card's number is Canadian", "", card("TEL;TYPE=CELL:905-555-1234", "ADR:;;1 Main St;Toronto;ON;M5V 2T6;Canada"),
			"905-555-1234", want{number: "19055551234", region: "CA", from: EvidenceAddress}},
		{"the same number without an address, grouped as in Russia, is Russian", "", card("TEL;TYPE=CELL:905 555-12-34"),
			"905 555-12-34", want{number: "79055551234", region: "RU", from: EvidenceDefault}},
		{"address in German", "", card("TEL:030 12345678", "ADR;TYPE=HOME:;;Str. 1;Berlin;;10115;Deutschland"),
			"030 12345678", want{number: "493012345678", region: "DE", from: EvidenceAddress}},
		{"address as an ISO code", "", card("TEL:020 7946 0958", "ADR:;;1 High St;London;;;GB"),
			"020 7946 0958", want{number: "442079460958", region: "GB", from: EvidenceAddress}},
		{"address in Russian", "GB", card("TEL:8 (900) 123-45-67", "ADR:;;ул. Ленина, 1;Москва;;;Россия"),
			"8 (900) 123-45-67", want{number: "79001234567", region: "RU", from: EvidenceAddress}},
		{"Apple's X-ABADR", "", card("item1.ADR:;;Str. 1;Berlin;;;", "item1.X-ABADR:de", "TEL:030 12345678"),
			"030 12345678", want{number: "493012345678", region: "DE", from: EvidenceAddressFormat}},
		{"a country no one knows is no evidence", "", card("TEL:8 900 123-45-67", "ADR:;;;;;;New Testonia"),
			"8 900 123-45-67", want{number: "79001234567", region: "RU", from: EvidenceDefault}},
		{"address outranks the other numbers", "", card("TEL:905-555-1234", "TEL:+7 495 123-45-67", "ADR:;;;Toronto;;;Canada"),
			"905-555-1234", want{number: "19055551234", region: "CA", from: EvidenceAddress}},
		{"a number invalid in the address's country is not read elsewhere", "", card("TEL:8 900 123-45-67", "TEL:+7 495 123-45-67", "ADR:;;;Toronto;;;Canada"),
			"8 900 123-45-67", want{err: ErrInvalidPhone, reason: []string{"in CA (the card's address) it reads as", "read only in the country its card's address names"}}},
		{"the default region is not tried against the address", "", card("TEL:8 (495) 123-45-67", "ADR:;;;London;;;United Kingdom"),
			"8 (495) 123-45-67", want{err: ErrInvalidPhone, reason: []string{
				"in GB (the card's address) it reads as +4484951234567",
				"read only in the country its card's address names, not in the default region RU"}}},

		// The card's other numbers and WhatsApp ids.
		{"another number's country", "", card("TEL:+380 67 123 4567", "TEL:044 123 4567"),
			"044 123 4567", want{number: "380441234567", region: "UA", from: EvidenceCard}},
		{"a WhatsApp id's country", "", card("TEL;waid=380671234567:+380 67 123 4567", "TEL:067 765 4321"),
			"067 765 4321", want{number: "380677654321", region: "UA", from: EvidenceCard}},
		{"the default region beside the other numbers", "GB", card("TEL:07911 123456", "TEL:+7 900 123-45-67"),
			"07911 123456", want{number: "447911123456", region: "GG", from: EvidenceDefault}},
		{"other numbers and the default region conflict", "", card("TEL:905 555 1234", "TEL:+1 212 555 0100"),
			"905 555 1234", want{err: ErrInvalidPhone, reason: []string{
				"the evidence conflicts: in US (the card's other numbers) it is +19055551234 of CA, while in RU (the default region) it is +79055551234",
				"write it with its country code"}}},
		{"two addresses conflict", "", card("TEL:905 555 1234", "ADR:;;;;;;Canada", "ADR:;;;;;;Россия"),
			"905 555 1234", want{err: ErrInvalidPhone, reason: []string{
				"in CA (the card's address) it is +19055551234, while in RU (the card's address) it is +79055551234"}}},
		{"two addresses, one reading", "", card("TEL:030 12345678", "ADR:;;;;;;Canada", "ADR:;;;;;;Germany"),
			"030 12345678", want{number: "493012345678", region: "DE", from: EvidenceAddress}},

		// The number's own evidence outranks the card's.
		{"written with +", "", card("TEL:+7 905 555-12-34", "ADR:;;;Toronto;;;Canada"),
			"+7 905 555-12-34", want{number: "79055551234", region: "RU", from: EvidenceNumber}},
		{"written with the region's international prefix", "", card("TEL:810 44 20 7946 0958"),
			"810 44 20 7946 0958", want{number: "442079460958", region: "GB", from: EvidenceNumber}},
		{"tel: URI phone-context", "", card("TEL;VALUE=uri:tel:7946-0958;phone-context=+44-20", "ADR:;;;;;;Россия"),
			"tel:7946-0958;phone-context=+44-20", want{number: "442079460958", region: "GB", from: EvidenceContext}},
		{"tel: URI with a domain context", "", card("TEL;VALUE=uri:tel:8 900 123-45-67;phone-context=example.com"),
			"tel:8 900 123-45-67;phone-context=example.com", want{number: "79001234567", region: "RU", from: EvidenceDefault}},
		{"WhatsApp id", "", card("TEL;waid=79001234567:8 900 123-45-67", "ADR:;;;;;;Canada"),
			"8 900 123-45-67", want{number: "79001234567", region: "RU", from: EvidenceWAID}},
		{"a WhatsApp id that is not digits is no evidence", "", card("TEL;waid=+1 905:905 555-12-34"),
			"905 555-12-34", want{number: "79055551234", region: "RU", from: EvidenceDefault}},
		{"a WhatsApp id with a leading 0 is no evidence", "", card("TEL;waid=019055551234:905 555-12-34"),
			"905 555-12-34", want{number: "79055551234", region: "RU", from: EvidenceDefault}},
		{"a WhatsApp id too short is no evidence", "", card("TEL;waid=1905:905 555-12-34"),
			"905 555-12-34", want{number: "79055551234", region: "RU", from: EvidenceDefault}},
		{"an empty address is no evidence", "", card("TEL:905 555-12-34", "ADR:;;;;;;", "LABEL:"),
			"905 555-12-34", want{number: "79055551234", region: "RU", from: EvidenceDefault}},

		// A region's number can be another region's of the same calling code.
		{"Kazakh number read in RU", "", card("TEL:8 (701) 123-45-67"),
			"8 (701) 123-45-67", want{number: "77011234567", region: "KZ", from: EvidenceDefault}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parser{Region: tt.region}.Parse(strings.NewReader(tt.input))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			var p *Phone
			for i := range cards[0].Phones {
				if cards[0].Phones[i].Raw == tt.raw {
					p = &cards[0].Phones[i]
				}
			}
			require.NotNil(t, p, "no phone %q in %+v", tt.raw, cards[0].Phones)
			if tt.want.number != "" {
				require.NoError(t, p.Err)
				assert.Equal(t, tt.want.number, p.Number)
				assert.Equal(t, tt.want.region, p.Region)
				assert.Equal(t, tt.want.from, p.RegionFrom, "evidence %v", p.RegionFrom)
				return
			}
			require.ErrorIs(t, p.Err, tt.want.err)
			assert.Empty(t, p.Number)
			assert.Empty(t, p.Region)
			assert.Equal(t, EvidenceNone, p.RegionFrom)
			var pe *PhoneError
			require.ErrorAs(t, p.Err, &pe)
			assert.Equal(t, tt.raw, pe.Raw)
			if tt.want.digits != "" {
				assert.Equal(t, tt.want.digits, pe.Digits)
			}
			for _, s := range tt.want.reason {
				assert.Contains(t, p.Err.Error(), s)
			}
		})
	}
}

// A card whose numbers are in more countries than maxClueRegions says
// nothing of where its national numbers are.
func TestParseRegionEvidenceTooManyCountries(t *testing.T) {
	input := card("TEL:+1 212 555 0100", "TEL:+44 20 7946 0958", "TEL:+49 30 12345678",
		"TEL:+33 1 42 68 53 00", "TEL:+39 06 1234 5678", "TEL:8 900 123-45-67")
	cards, err := Parse(strings.NewReader(input))
	require.NoError(t, err)
	p := cards[0].Phones[5]
	require.ErrorIs(t, p.Err, ErrInvalidPhone)
	assert.Contains(t, p.Err.Error(), "name 6 regions, too many to tell which one it is in")
}

func TestEvidenceString(t *testing.T) {
	seen := map[string]bool{}
	for e := EvidenceNone; e <= EvidenceHint; e++ {
		s := e.String()
		assert.NotEmpty(t, s)
		assert.False(t, seen[s], "%d says %q as another does", e, s)
		seen[s] = true
	}
	assert.Equal(t, EvidenceNone.String(), Evidence(200).String())
}

func TestRegionOfCountry(t *testing.T) {
	tests := []struct{ country, want string }{
		{"Canada", "CA"}, {"canada", "CA"}, {" CANADA ", "CA"}, {"Kanada", "CA"}, {"Канада", "CA"}, {"加拿大", "CA"},
		{"CA", "CA"}, {"ca", "CA"}, {"CAN", "CA"},
		{"Deutschland", "DE"}, {"Germany", "DE"}, {"Allemagne", "DE"}, {"DEU", "DE"},
		{"USA", "US"}, {"U.S.A.", "US"}, {"United States", "US"}, {"United States of America", "US"}, {"Соединенные Штаты", "US"},
		{"UK", "GB"}, {"United Kingdom", "GB"}, {"Great Britain", "GB"}, {"England", "GB"}, {"Великобритания", "GB"},
		{"Россия", "RU"}, {"РФ", "RU"}, {"Russian Federation", "RU"}, {"Russia", "RU"},
		{"Kazakhstan", "KZ"}, {"Казахстан", "KZ"}, {"Қазақстан", "KZ"},
		{"Україна", "UA"}, {"Ukraine", "UA"}, {"China", "CN"}, {"中国", "CN"}, {"The Netherlands", "NL"}, {"Holland", "NL"},
		{"Guinea-Bissau", "GW"}, {"guinea bissau", "GW"},
		// Names of no region: no evidence.
		{"", ""}, {"New Testonia", ""}, {"German", ""}, {"Country", ""}, {"ON", ""}, {"NY", ""}, {"EU", ""},
		{"ZZ", ""}, {"1234", ""}, {strings.Repeat("Canada", 20), ""},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			assert.Equal(t, tt.want, regionOfCountry(tt.country))
		})
	}
}

func BenchmarkRegionOfCountry(b *testing.B) {
	regionOfCountry("Canada") // the table is built once
	b.ReportAllocs()
	for b.Loop() {
		regionOfCountry("United States of America")
	}
}
