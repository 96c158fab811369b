package contactcard

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/emersion/go-vcard"
	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusNumbers are the numbers the corpus yields under the default
// settings, checked by hand against their cards: every value written with
// "+", "00" or a tel: URI keeps its country code; every national value is
// read in the country of its card's address (the ezvcard John Doe cards
// live in the USA, the Photo_v3, nodevcf and kcontacts vcard5 cards in
// Germany, the aosp and kcontacts vcard4 cards in the USA). The 905 numbers
// are Ontario's, Canadian numbers of the +1 plan that a US card may hold.
var corpusNumbers = map[string]string{
	"(0221) 1234567":                "492211234567",
	"(0221) 9999123":                "492219999123",
	"(404) 555-1212":                "14045551212",
	"(617) 236-0442":                "16172360442",
	"(617) 236-8630":                "16172368630",
	"(905) 555-1234":                "19055551234",
	"(905) 666-1234":                "19056661234",
	"+1 408 765-5050":               "14087655050",
	"+1-415-528-4164":               "14155284164",
	"+1-415-937-3419":               "14159373419",
	"+1-919-676-9515":               "19196769515",
	"+1-919-676-9564":               "19196769564",
	"+49 221 1234567":               "492211234567",
	"+49 221 9999123":               "492219999123",
	"+49 408 765-5050":              "494087655050",
	"+49 9876 54321":                "49987654321",
	"+491622433834":                 "491622433834",
	"00-1-212-555-7777":             "12125557777",
	"03456-10987":                   "49345610987",
	"03456-78910":                   "49345678910",
	"0351 223344":                   "49351223344",
	"0351 443322":                   "49351443322",
	"905-222-1234":                  "19052221234",
	"905-555-1234":                  "19055551234",
	"905-666-1234":                  "19056661234",
	"905-777-1234":                  "19057771234",
	"905-888-1234":                  "19058881234",
	"905-999-1234":                  "19059991234",
	"tel:+1-418-262-6501":           "14182626501",
	"tel:+1-418-656-9254;ext=102":   "14186569254",
	"tel:+14045551212":              "14045551212",
	"tel:+14045551213":              "14045551213",
	"tel:+44-555-555-5555;ext=5555": "445555555555",
	"tel:+44-555-555-6666":          "445555556666",
	"tel:+44-555-555-7777":          "445555557777",
	"tel:+49-221-1234567":           "492211234567",
	"tel:+49-221-9999123":           "492219999123",
}

// corpusRefusal is why a group of the corpus's values is refused: the
// sentinel, and words the error must hold.
type corpusRefusal struct {
	why    string // in words, for the reader of this test
	err    error
	reason string
	raws   []string
}

// corpusRefusals are the values with digits that the corpus's cards hold
// and that do not normalize, each with why. Values without a digit
// ("mobile", "Fax privat", "十城目管理大型知座": labels exported where the
// number should be) are refused as having none and are not listed.
var corpusRefusals = []corpusRefusal{
	{
		why: "a label with a counter where the number should be (Google, syncevolution), " +
			"a single digit, letters between digits, or a dial string with pauses: no phone number",
		err: ErrInvalidPhone, reason: "not a phone number",
		raws: []string{"business 1", "businessfax 4", "car 7", "home 2", "homefax 5", "mobile 3", "pager 6",
			"primary 8", "1", "2", "3", "9", "tel:1", "7yy-zzz-xxx"},
	},
	{
		why: "a number written nationally on a card that offers no evidence of its country, " +
			"and no number of the default region RU: North American numbers (Montreal, Palo Alto, " +
			"San José, Boston, the fictional 555), German and Japanese national numbers, short local " +
			"numbers, vanity numbers whose letters are cut off. Guessing their country would ring strangers.",
		err: ErrInvalidPhone, reason: "in RU (the default region) it reads as",
		raws: []string{"514-845-8436", "(650) 555-1212", "408 765-5050", "617 679 1984", "6101231234@pagersample.com",
			"123 456 7890", "(111) 111-1111", "555-555-1111", "555-555-1112", "555-555-1113", "555-555-1114",
			"555-555-1115", "555-555-1116", "555-555-1117", "555-555-1118", "555-555-1119",
			"5555551111", "5555551112", "5555551113", "5555551114", "5555551115", "5555551116", "5555551117",
			"5555551118", "5555551119", "5555551120", "5555551121",
			"03443-303776", "03443-333440", "034441/ 2 22 67", "034441/ 39 23 34", "0123/579", "01234-303776",
			"0987 /6543", "0123456789", "0300000000", "049-2459-4393", "9876 /11223344",
			"10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "123456", "123456789",
			"11111111", "12 245999", "234567", "3456789", "45678901", "55556666", "67545678", "7654321", "98765432",
			"1 800 ELEPHANT", "1-800-ELEPHANT", "1.800 E L E P H A N T", "p1234p5678w9"},
	},
	{
		why: "a number written nationally that is no number of its card's address country: " +
			"fictional US numbers (area code 111 or 555, exchange 111, a leading 0), a Chinese " +
			"local number without its area code, German numbers a digit short of their range",
		err: ErrInvalidPhone, reason: "(the card's address) it reads as",
		raws: []string{"(111) 555-1111", "(111) 555-1212", "(111) 555-2222", "(111) 555-3333", "(111) 555-4444",
			"555 555 1111", "555 555 2222", "555-555-1111", "555-555-2222", "555-555-3333", "555-555-4444",
			"555-555-5555", "905-111-1234", "0311111111", "0322222222", "0333333333",
			"66101617", "88217940", "0123-45678", "0173 223344"},
	},
	{
		why: "a number written with its country code that is no valid number of that country: " +
			"unassigned ranges, a digit too many or too few, a calling code no country has",
		err: ErrInvalidPhone, reason: "read with its own country code",
		raws: []string{"+1-221-5423789", "+31-221-5423789", "+49 1234 56788", "+49 1234 56789", "+49000000",
			"+5555555", "+5555556", "+6666666", "+96123456789", "+9999999", "+1 (212) 204-34456",
			"+1-800-123456", "+1-800-MYFAX", "tel:+1-555-555-5555;ext=5555", "tel:+11115551212", "tel:+33-01-23-45-67"},
	},
	{
		why: "a valid number whose international digits break the providers' rule of 11–12: " +
			"German direct dials and mobiles of 13 or 14 digits (Outlook's \"- 11\" is part of the " +
			"number, not an extension), a Munich number of 10, a Chinese mobile of 13",
		err: ErrPhoneLength, reason: "digits where 11–12 are needed",
		raws: []string{"+49 (0611) 123456 - 11", "+49 (0611) 123456 - 12", "+49 (0611) 123456 - 13",
			"+49 (0611) 123456 - 14", "+49-89-7888 99", "+4973117546691", "0160-45678910", "017623384942",
			"0987 /6543", "9876 /11223344", "13866192019"},
	},
}

// TestParseCorpus reads every file of the public corpus and checks, file
// by file, against a plain scan of the file: that every card is read, that
// every TEL line is kept as a phone of its card, and that no number
// normalizes into a country its card contradicts. It pins the numbers the
// corpus yields and the reason for every refusal.
func TestParseCorpus(t *testing.T) {
	files := corpusFiles(t)
	require.Len(t, files, 265)
	seen := map[string]bool{}
	var totalCards, totalPhones int
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, name))
			require.NoError(t, err)
			scanned := scanCards(data)
			cards, err := Parse(bytes.NewReader(data))
			if len(scanned) == 0 {
				// Empty.vcf, and eds' vcard 7, whose card starts at VERSION:
				// without BEGIN:VCARD there is no card.
				require.ErrorIs(t, err, ErrNoCard)
				return
			}
			require.NoError(t, err)
			require.Len(t, cards, len(scanned), "cards")
			totalCards += len(cards)
			for i, c := range cards {
				assertTELsKept(t, i, scanned[i].tels, c.Phones)
				allowed := allowedCallingCodes(scanned[i], c)
				for _, p := range c.Phones {
					totalPhones++
					if p.Number != "" {
						seen[p.Raw] = true
						assert.Equal(t, corpusNumbers[p.Raw], p.Number, "card %d: %q is not the number checked by hand", i, p.Raw)
						assertCountryNotContradicted(t, p, allowed)
						continue
					}
					assertRefusalExplained(t, p)
				}
			}
		})
	}
	for raw := range corpusNumbers {
		assert.True(t, seen[raw], "%q was pinned but no card yielded it", raw)
	}
	t.Logf("%d cards, %d phones", totalCards, totalPhones)
}

// assertTELsKept checks that each TEL line of a card is a phone of its own
// (the corpus has no two TELs of one number, and none of several numbers).
func assertTELsKept(t *testing.T, card int, tels []string, phones []Phone) {
	t.Helper()
	var raws []string
	for _, p := range phones {
		raws = append(raws, p.Raw)
	}
	assert.Equal(t, tels, raws, "card %d: the TEL lines, each a phone with its raw value", card)
}

// allowedCallingCodes returns the calling codes a national number of the
// card may normalize to: those of the countries its address lines name,
// else those of its numbers written with "+" and of the default region RU;
// its numbers written with "+" count beside the address too, as the
// evidence next to it. The country names are matched whole, against a
// list of the ones the corpus uses.
func allowedCallingCodes(sc scannedCard, c Card) map[int]bool {
	countries := map[string]int{
		"germany": 49, "deutschland": 49, "de": 49, "usa": 1, "u.s.a.": 1, "united states of america": 1,
		"united states": 1, "us": 1, "canada": 1, "china": 86, "united kingdom": 44,
	}
	allowed := map[int]bool{}
	for _, a := range sc.addresses {
		for _, part := range strings.FieldsFunc(a, func(r rune) bool { return r == ';' || r == '\n' }) {
			if code, ok := countries[strings.ToLower(strings.TrimSpace(part))]; ok {
				allowed[code] = true
			}
		}
	}
	if len(allowed) == 0 {
		allowed[7] = true
	}
	for _, p := range c.Phones {
		if p.Number != "" && strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(p.Raw, "tel:")), "+") {
			num, err := phonenumbers.Parse("+"+p.Number, "ZZ")
			if err == nil {
				allowed[int(num.GetCountryCode())] = true
			}
		}
	}
	return allowed
}

// assertCountryNotContradicted checks a normalized phone's calling code:
// a value written with "+" or "00" keeps the code it is written with; a
// national one takes a code its card allows.
func assertCountryNotContradicted(t *testing.T, p Phone, allowed map[int]bool) {
	t.Helper()
	got, err := phonenumbers.Parse("+"+p.Number, "ZZ")
	require.NoError(t, err)
	code := int(got.GetCountryCode())
	if digits, ok := writtenInternational(strings.TrimSpace(strings.TrimPrefix(p.Raw, "tel:"))); ok {
		assert.True(t, strings.HasPrefix(digits, strconv.Itoa(code)),
			"%q is written with its country code, but normalized to +%s", p.Raw, p.Number)
		return
	}
	assert.True(t, allowed[code], "%q normalized to +%s, a country its card does not name (%v)", p.Raw, p.Number, allowed)
}

// writtenInternational returns the digits of a value written with "+" or
// "00", and whether it is.
func writtenInternational(s string) (string, bool) {
	switch {
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	case strings.HasPrefix(s, "00"):
		s = s[2:]
	default:
		return "", false
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s), true
}

// assertRefusalExplained checks that a refused phone is listed with its
// reason, or has no digit at all.
func assertRefusalExplained(t *testing.T, p Phone) {
	t.Helper()
	require.Error(t, p.Err, "%q has no number and no error", p.Raw)
	if !strings.ContainsFunc(p.Raw, unicode.IsDigit) {
		assert.ErrorIs(t, p.Err, ErrInvalidPhone)
		assert.Contains(t, p.Err.Error(), "no digits in it")
		return
	}
	for _, r := range corpusRefusals {
		for _, raw := range r.raws {
			if raw == p.Raw && strings.Contains(p.Err.Error(), r.reason) {
				assert.ErrorIs(t, p.Err, r.err, "%q: %s", p.Raw, r.why)
				return
			}
		}
	}
	t.Errorf("%q is refused for a reason not written down here: %v", p.Raw, p.Err)
}

// BenchmarkCorpus reads the whole public corpus with Parse and with
// go-vcard's decoder alone (every card of every file, until its first
// error): the target is that Parse, which also normalizes every
// number, takes no longer than the raw decode.
func BenchmarkCorpus(b *testing.B) {
	files := corpusFiles(b)
	data := make([][]byte, len(files))
	size := 0
	for i, name := range files {
		var err error
		data[i], err = os.ReadFile(filepath.Join(corpusDir, name))
		require.NoError(b, err)
		size += len(data[i])
	}
	b.Run("Parse", func(b *testing.B) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range data {
				_, _ = Parse(bytes.NewReader(d))
			}
		}
	})
	b.Run("GoVCardDecode", func(b *testing.B) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range data {
				dec := vcard.NewDecoder(bytes.NewReader(d))
				for {
					if _, err := dec.Decode(); err != nil {
						break // io.EOF, or the first card go-vcard cannot read
					}
				}
			}
		}
	})
}
