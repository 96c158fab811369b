package contactcard

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// The fixtures in testdata/ are synthetic cards written for these tests in
// the styles of the clients that produce them; every phone number expected
// to normalize was checked with phonenumbers.IsValidNumber.

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func parseFixture(t *testing.T, p Parser, name string) []Card {
	t.Helper()
	cards, err := p.Parse(bytes.NewReader(readFixture(t, name)))
	require.NoError(t, err, name)
	return cards
}

// tel builds an expected phone that normalizes.
func tel(raw, number string, types ...string) Phone {
	return Phone{Raw: raw, Number: number, Types: types}
}

// badTel builds an expected phone that does not normalize; kind is the
// sentinel its Err must wrap.
func badTel(raw string, kind error, types ...string) Phone {
	return Phone{Raw: raw, Err: kind, Types: types}
}

func (p Phone) withLabel(l string) Phone { p.Label = l; return p }
func (p Phone) withWAID(w string) Phone  { p.WAID = w; return p }
func (p Phone) pref() Phone              { p.Preferred = true; return p }

// in states the region a phone must name, and the evidence for it.
func (p Phone) in(region string, from Evidence) Phone {
	p.Region, p.RegionFrom = region, from
	return p
}

// requireCards compares cards field by field. A nil and an empty slice are
// the same; Phone.Err is compared with errors.Is against the expected
// sentinel (nil means no error).
func requireCards(t *testing.T, want, got []Card) {
	t.Helper()
	names := make([]string, len(got))
	for i, c := range got {
		names[i] = c.FormattedName
	}
	require.Len(t, got, len(want), "cards read: %q", names)
	for i := range want {
		assertCard(t, i, want[i], got[i])
	}
}

func assertCard(t *testing.T, i int, want, got Card) {
	t.Helper()
	want, got = canonCard(want), canonCard(got)
	if assert.Len(t, got.Phones, len(want.Phones), "card %d (%s): phones %+v", i, want.FormattedName, got.Phones) {
		for j := range want.Phones {
			w, g := want.Phones[j], got.Phones[j]
			if w.Err == nil {
				assert.NoError(t, g.Err, "card %d phone %d (%s)", i, j, w.Raw)
			} else {
				assert.ErrorIs(t, g.Err, w.Err, "card %d phone %d (%s)", i, j, w.Raw)
				var pe *PhoneError
				assert.ErrorAs(t, g.Err, &pe, "card %d phone %d (%s)", i, j, w.Raw)
			}
			want.Phones[j].Err, got.Phones[j].Err = nil, nil
			if w.Err == nil && w.RegionFrom == EvidenceNone {
				// Unstated in the test: the phone must still say a region that
				// is its number's, and evidence.
				assertRegion(t, g)
				want.Phones[j].Region, want.Phones[j].RegionFrom = g.Region, g.RegionFrom
			}
		}
	}
	assert.Equal(t, want, got, "card %d (%s)", i, want.FormattedName)
}

// assertRegion checks that a normalized phone names its number's region and
// some evidence for it: its own country code when it is written with "+".
func assertRegion(t *testing.T, p Phone) {
	t.Helper()
	if p.Number == "" {
		assert.Empty(t, p.Region, "phone %q", p.Raw)
		assert.Equal(t, EvidenceNone, p.RegionFrom, "phone %q", p.Raw)
		return
	}
	num, err := phonenumbers.Parse("+"+p.Number, "ZZ")
	if assert.NoError(t, err, "phone %q: +%s", p.Raw, p.Number) && p.WAID == "" {
		assert.Equal(t, phonenumbers.GetRegionCodeForNumber(num), p.Region, "phone %q: region of +%s", p.Raw, p.Number)
	}
	assert.NotEqual(t, EvidenceNone, p.RegionFrom, "phone %q", p.Raw)
	if p.WAID == "" && strings.HasPrefix(strings.TrimSpace(p.Raw), "+") {
		assert.Equal(t, EvidenceNumber, p.RegionFrom, "phone %q", p.Raw)
	}
}

func canonCard(c Card) Card {
	if len(c.Emails) == 0 {
		c.Emails = nil
	}
	if len(c.Phones) == 0 {
		c.Phones = nil
		return c
	}
	phones := make([]Phone, len(c.Phones))
	copy(phones, c.Phones)
	for i := range phones {
		if len(phones[i].Types) == 0 {
			phones[i].Types = nil
		}
	}
	c.Phones = phones
	return c
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []Card
	}{
		{
			file: "greenapi_contact.vcf", // LF, no final newline, waid, Cyrillic labels, empty TITLE
			want: []Card{{
				FormattedName: "Анна Смирнова",
				FirstName:     "Анна", MiddleName: "Сергеевна", LastName: "Смирнова",
				Company: "ООО Ромашка",
				Phones: []Phone{
					tel("+7 916 111-22-33", "79161112233").withWAID("79161112233").withLabel("Мобильный"),
					// phonenumbers rejects +72345678901, but WhatsApp's id is taken as it is.
					tel("+7 234 567-89-01", "72345678901").withWAID("72345678901").withLabel("Рабочий"),
				},
			}},
		},
		{
			file: "greenapi_array_two.vcf",
			want: []Card{
				{
					FormattedName: "Гульнара Ахметова", FirstName: "Гульнара", LastName: "Ахметова",
					Phones: []Phone{tel("+7 701 123 4567", "77011234567").withWAID("77011234567").withLabel("Mobile")},
				},
				{
					// N is present (given name only), so FN is not split.
					FormattedName: "Office Reception", FirstName: "Office Reception",
					Phones: []Phone{tel("+7 495 987-65-43", "74959876543").withLabel("Рабочий")},
				},
			},
		},
		{
			file: "whatsapp_type_cell.vcf",
			want: []Card{{
				FormattedName: "Rahul Sharma", FirstName: "Rahul", LastName: "Sharma", Company: "Sharma Textiles",
				Phones: []Phone{tel("+91 98123 45678", "919812345678", "cell", "voice").withWAID("919812345678")},
			}},
		},
		{
			file: "ios_30.vcf", // \r\r\n, item groups, type=pref, Apple labels, folded photo
			want: []Card{{
				FormattedName: "Mr. John Q. Appleseed Jr.",
				FirstName:     "John", MiddleName: "Q.", LastName: "Appleseed", Prefix: "Mr.", Suffix: "Jr.",
				Company: "Example Widgets Inc.", Title: "Senior Engineer",
				Phones: []Phone{
					tel("+1 (650) 253-0000", "16502530000", "cell", "voice").pref(),
					tel("+44 7911 123456", "447911123456").withLabel("Mobile"),
					tel("+7 (495) 987-65-43", "74959876543", "home").withLabel("Dacha"),
				},
				Emails: []string{"john.appleseed@example.com", "johnny@example.org"},
			}},
		},
		{
			file: "android_21_qp.vcf", // UTF-8 QP with soft breaks (one inside a character), bare params, base64 block
			want: []Card{
				{
					FormattedName: "Дмитрий Александрович Кузнецов",
					FirstName:     "Дмитрий", MiddleName: "Александрович", LastName: "Кузнецов",
					Phones: []Phone{
						tel("+79261112233", "79261112233", "cell").pref(),
						tel("8 (495) 123-45-67", "74951234567", "home"),
					},
					Emails: []string{"d.kuznetsov@example.ru"},
				},
				{
					// bare QUOTED-PRINTABLE token, before and after CHARSET
					FormattedName: "Ольга Лебедева", FirstName: "Ольга", LastName: "Лебедева",
					Company: "ТехноСфера", Title: "Ведущий инженер-конструктор отдела испытаний",
					Phones: []Phone{
						tel("+7 964 123-45-67", "79641234567", "cell"),
						tel("+7 495 123-45-67", "74951234567", "work", "voice"),
					},
					Emails: []string{"o.lebedeva@example.ru"},
				},
			},
		},
		{
			file: "outlook_21_cp1251.vcf", // CHARSET=windows-1251, QP TITLE/LABEL with soft breaks, X-MS-OL-DESIGN
			want: []Card{{
				FormattedName: "Елена Игоревна Волкова",
				FirstName:     "Елена", MiddleName: "Игоревна", LastName: "Волкова",
				Company: "АО Северный ветер", Title: "Главный бухгалтер филиала",
				Phones: []Phone{
					tel("+7 (812) 234-56-78", "78122345678", "work", "voice"),
					tel("8 903 200-40-60", "79032004060", "cell", "voice"),
					tel("+7 (812) 234-56-79", "78122345679", "work", "fax"),
				},
				Emails: []string{"e.volkova@example.ru"},
			}},
		},
		{
			file: "koi8r.vcf",
			want: []Card{{
				FormattedName: "Пётр Ильич Соколов",
				FirstName:     "Пётр", MiddleName: "Ильич", LastName: "Соколов",
				Company: "Завод Прогресс",
				Phones: []Phone{
					tel("+7 910 765-00-11", "79107650011", "cell"),
					tel("8 (812) 234-56-78", "78122345678", "home"),
				},
			}},
		},
		{
			file: "shift_jis.vcf", // CHARSET=SHIFT_JIS, QP + Shift_JIS ORG, X-NEC bare type, SOUND dropped
			want: []Card{{
				FormattedName: "山田 太郎", FirstName: "太郎", LastName: "山田",
				Company: "株式会社サンプル商事",
				Phones: []Phone{
					tel("+81 90-1234-5678", "819012345678", "cell"),
					tel("+81 3-1234-5678", "81312345678", "x-nec-home"),
				},
				Emails: []string{"taro.yamada@example.jp"},
			}},
		},
		{
			file: "cp1251_nocharset.vcf", // windows-1251 bytes, no CHARSET: the fallback
			want: []Card{{
				FormattedName: "Олена Іванівна Шевченко",
				FirstName:     "Олена", MiddleName: "Іванівна", LastName: "Шевченко",
				Company: "Київська студія дизайну",
				Phones: []Phone{
					tel("+380 67 123 4567", "380671234567", "cell"),
					// a Kyiv number written nationally is no number of the
					// default region RU, but the card's other number is
					// Ukrainian, and it is a Ukrainian number
					tel("044 123 4567", "380441234567", "home").in("UA", EvidenceCard),
				},
			}},
		},
		{
			file: "utf8_bom.vcf",
			want: []Card{{
				FormattedName: "Zoë Müller", FirstName: "Zoë", LastName: "Müller",
				Company: "Bäckerei Müller GmbH",
				Phones: []Phone{
					tel("+49 170 1234567", "491701234567", "cell"),
					tel("+49 30 12345678", "493012345678", "work"),
				},
				Emails: []string{"zoe@example.de"},
			}},
		},
		{
			file: "utf16le_bom.vcf",
			want: []Card{
				{
					FormattedName: "王小明", FirstName: "小明", LastName: "王",
					Company: "北京示例科技有限公司",
					Phones:  []Phone{tel("+86 10 6552 9988", "861065529988", "work")},
				},
				{
					FormattedName: "Ігор Ковальчук", FirstName: "Ігор", LastName: "Ковальчук",
					Phones: []Phone{tel("+380 50 123 4567", "380501234567")}, // empty X-ABLabel
				},
			},
		},
		{
			file: "utf16be_bom.vcf",
			want: []Card{{
				FormattedName: "김민준", FirstName: "민준", LastName: "김",
				Phones: []Phone{tel("+82 10-1234-5678", "821012345678", "cell")},
				Emails: []string{"minjun.kim@example.kr"},
			}},
		},
		{
			file: "bare_cr.vcf",
			want: []Card{
				{
					FormattedName: "Camille Dubois", FirstName: "Camille", LastName: "Dubois",
					Phones: []Phone{tel("+33 6 12 34 56 78", "33612345678", "cell")},
					Emails: []string{"camille.dubois@example.fr"},
				},
				{
					FormattedName: "Nils Østergaard", FirstName: "Nils", LastName: "Østergaard",
					Phones: []Phone{tel("+48 512 345 678", "48512345678", "work")},
				},
			},
		},
		{
			file: "v40_uri.vcf",
			want: []Card{{
				FormattedName: "Oliver Bennett", FirstName: "Oliver", LastName: "Bennett",
				Company: "Bennett & Sons Ltd",
				Phones: []Phone{
					tel("tel:+44-7911-123456", "447911123456", "cell").pref(), // PREF=1
					tel("tel:+44-20-7946-0958;ext=102", "442079460958", "work", "voice"),
				},
				Emails: []string{"oliver.bennett@example.co.uk"},
			}},
		},
		{
			file: "google_30.vcf", // TYPE=CELL, custom X-ABLabel, empty EMAIL skipped
			want: []Card{{
				FormattedName: "María José García", FirstName: "María José", LastName: "García",
				Phones: []Phone{
					tel("+34 612 34 56 78", "34612345678", "cell"),
					tel("+34 912 345 678", "34912345678").withLabel("Oficina Madrid"),
				},
				Emails: []string{"mj.garcia@example.es"},
			}},
		},
		{
			file: "multi_messy.vcf", // text around, whitespace-only lines, trailing spaces, lower case
			want: []Card{
				{
					FormattedName: "Lena Fischer", FirstName: "Lena", LastName: "Fischer",
					Phones: []Phone{
						badTel("+49 151 23456789", ErrPhoneLength, "cell"), // valid, 13 digits
						tel("+49 30 12345678", "493012345678", "work"),
					},
				},
				{
					FormattedName: "Иван Петров", FirstName: "Иван", LastName: "Петров",
					Phones: []Phone{tel("+7 900 123-45-67", "79001234567", "cell")},
				},
				{
					FormattedName: "陈伟", FirstName: "伟", LastName: "陈",
					Phones: []Phone{
						badTel("+86 138 0013 8000", ErrPhoneLength, "cell"), // CN mobiles have 13 digits
						tel("+86 10 6552 9988", "861065529988", "work"),
					},
				},
			},
		},
		{
			file: "truncated.vcf", // the last card has no END and its last line is cut
			want: []Card{
				{
					FormattedName: "Ahmed Hassan", FirstName: "Ahmed", LastName: "Hassan",
					Phones: []Phone{tel("+20 100 123 4567", "201001234567", "cell")},
				},
				{
					FormattedName: "Fatima Zahra", FirstName: "Fatima", LastName: "Zahra",
					Phones: []Phone{tel("+971 50 123 4567", "971501234567", "cell")},
					Emails: []string{"fatima.zahra@example.ae"},
				},
			},
		},
		{
			file: "nested_agent.vcf",
			want: []Card{
				{
					FormattedName: "Tomáš Novák", FirstName: "Tomáš", LastName: "Novák",
					Company: "Novák Logistika s.r.o.", Title: "Jednatel", // TITLE comes after the nested END
					Phones: []Phone{
						tel("+420 601 123 456", "420601123456", "work"),
						tel("+420 777 123 456", "420777123456", "cell"),
					},
					Emails: []string{"tomas.novak@example.cz"},
				},
				{
					FormattedName: "Jana Králová", FirstName: "Jana", LastName: "Králová", Title: "Asistentka",
					Phones: []Phone{tel("+420 602 987 654", "420602987654", "cell")},
				},
			},
		},
		{
			file: "escapes.vcf",
			want: []Card{
				{
					FormattedName: "Pat O;Brien", FirstName: "Pat", LastName: "O;Brien",
					Company: "Smith, Jones & Partners", Title: "Partner\nHead of Litigation",
					Phones: []Phone{tel("+353 1 234 5678", "35312345678", "work")},
				},
				{
					FormattedName: `Anna, Maria Back\slash`, FirstName: "Anna, Maria", LastName: `Back\slash`,
					Company: "Alpha;Beta Ltd",
					Phones:  []Phone{tel("+7 900 765-43-21", "79007654321", "cell")},
					Emails:  []string{"anna.maria@example.com"},
				},
			},
		},
		{
			file: "no_n.vcf",
			want: []Card{
				{
					FormattedName: "Madonna", FirstName: "Madonna",
					Phones: []Phone{tel("+61 412 345 678", "61412345678", "cell")},
				},
				{
					FormattedName: "Jean Dupont", FirstName: "Jean", LastName: "Dupont",
					Phones: []Phone{tel("+33 6 12 34 56 78", "33612345678", "cell")},
				},
				{
					FormattedName: "Ana María de la Cruz", FirstName: "Ana", MiddleName: "María de la", LastName: "Cruz",
					Phones: []Phone{tel("+34 612 34 56 78", "34612345678", "cell")},
				},
				{
					// N:;;;; is as good as no N
					FormattedName: "Ли Мин", FirstName: "Ли", LastName: "Мин",
					Phones: []Phone{tel("+7 900 111-22-33", "79001112233", "cell")},
				},
			},
		},
		{
			file: "no_fn.vcf",
			want: []Card{
				{
					FormattedName: "Dr. Сергей Петрович Иванов PhD",
					FirstName:     "Сергей", MiddleName: "Петрович", LastName: "Иванов", Prefix: "Dr.", Suffix: "PhD",
					Phones: []Phone{tel("+7 495 123-45-67", "74951234567", "work")},
				},
				{
					FormattedName: "Grace Lee", FirstName: "Grace", LastName: "Lee",
					Phones: []Phone{tel("+1 415 555 2671", "14155552671", "cell")},
				},
				{
					FormattedName: "Acme Rockets", Company: "Acme Rockets",
					Phones: []Phone{tel("+1 212 555 0123", "12125550123", "work")},
				},
			},
		},
		{
			file: "duplicates.vcf", // one number written as waid, +7, 8 and +7 (…): one entry
			want: []Card{
				{
					FormattedName: "Максим Орлов", FirstName: "Максим", LastName: "Орлов",
					Phones: []Phone{
						tel("+7 900 765-43-21", "79007654321", "cell", "home").withWAID("79007654321").withLabel("Mobile").pref(),
						tel("+7 495 987-65-43", "74959876543", "work", "voice"),
					},
				},
				{
					// the first is kept; the later duplicate's WAID and label fill in its empty ones
					FormattedName: "Светлана Ким", FirstName: "Светлана", LastName: "Ким",
					Phones: []Phone{
						tel("8 (926) 111-22-33", "79261112233", "home").withWAID("79261112233").withLabel("WhatsApp"),
					},
				},
				{
					// more than a handful of phones, duplicates at the end
					FormattedName: "Big Family", FirstName: "Big", LastName: "Family",
					Phones: []Phone{
						tel("+7 916 555-12-30", "79165551230", "cell", "work"),
						tel("+7 916 555-12-31", "79165551231", "cell"),
						tel("+7 916 555-12-32", "79165551232", "cell"),
						tel("+7 916 555-12-33", "79165551233", "cell"),
						tel("+7 916 555-12-34", "79165551234", "cell"),
						tel("+7 916 555-12-35", "79165551235", "cell"),
						tel("+7 916 555-12-36", "79165551236", "cell"),
						tel("+7 916 555-12-37", "79165551237", "cell"),
						tel("+7 916 555-12-38", "79165551238", "cell"),
						tel("+7 916 555-12-39", "79165551239", "cell", "home").pref(),
						tel("+7 900 111-22-33", "79001112233", "cell"),
					},
				},
			},
		},
		{
			file: "invalid_numbers.vcf",
			want: []Card{{
				FormattedName: "Broken Test", FirstName: "Broken", LastName: "Test",
				Phones: []Phone{
					badTel("8 900 123 45 6", ErrInvalidPhone, "cell"), // a digit missing
					badTel("+65 6123 4567", ErrPhoneLength, "work"),   // valid, 10 digits
					badTel("sip:x@example.com", ErrInvalidPhone, "home"),
					// two numbers in one value become two phones; the empty TEL is skipped
					tel("+7 900 111-22-33", "79001112233", "cell"),
					tel("+7 900 444-55-66", "79004445566", "cell"),
					tel("+7 926 111-22-33", "79261112233", "cell"),
					tel("+7 903 200-40-60", "79032004060", "cell"),
					tel("+7 916 555-12-34", "79165551234", "voice"),
				},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := parseFixture(t, Parser{}, tt.file)
			requireCards(t, tt.want, got)
		})
	}
}

// Parse and the zero Parser are the same thing.
func TestParseIsZeroParser(t *testing.T) {
	for _, file := range []string{"ios_30.vcf", "android_21_qp.vcf", "duplicates.vcf"} {
		t.Run(file, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(readFixture(t, file)))
			require.NoError(t, err)
			requireCards(t, parseFixture(t, Parser{}, file), got)
		})
	}
}

// The same cards come out whatever the line ends and the encoding.
func TestParseSameCardsInEveryTransport(t *testing.T) {
	const card = "BEGIN:VCARD\nVERSION:3.0\nN:Петров;Иван;;;\nFN:Иван Петров\n" +
		"item1.TEL;waid=79001234567:+7 900 123-45-67\nitem1.X-ABLabel:Mobile\n" +
		"TEL;TYPE=HOME:8 (495) 123-45-67\nEND:VCARD\n"
	want := []Card{{
		FormattedName: "Иван Петров", FirstName: "Иван", LastName: "Петров",
		Phones: []Phone{
			tel("+7 900 123-45-67", "79001234567").withWAID("79001234567").withLabel("Mobile"),
			tel("8 (495) 123-45-67", "74951234567", "home"),
		},
	}}
	utf16 := func(s string, le bool) []byte {
		var b []byte
		if le {
			b = []byte{0xFF, 0xFE}
		} else {
			b = []byte{0xFE, 0xFF}
		}
		for _, r := range s { // all of the card is in the BMP
			if le {
				b = append(b, byte(r), byte(r>>8))
			} else {
				b = append(b, byte(r>>8), byte(r))
			}
		}
		return b
	}
	tests := map[string][]byte{
		"LF":              []byte(card),
		"CRLF":            []byte(strings.ReplaceAll(card, "\n", "\r\n")),
		"CR":              []byte(strings.ReplaceAll(card, "\n", "\r")),
		"CRCRLF":          []byte(strings.ReplaceAll(card, "\n", "\r\r\n")),
		"no final EOL":    []byte(strings.TrimSuffix(card, "\n")),
		"UTF-8 BOM":       append([]byte("\uFEFF"), card...),
		"UTF-16LE BOM":    utf16(strings.ReplaceAll(card, "\n", "\r\n"), true),
		"UTF-16BE BOM":    utf16(strings.ReplaceAll(card, "\n", "\r\n"), false),
		"lower case":      []byte(strings.Replace(strings.Replace(card, "BEGIN:VCARD", "begin:vcard", 1), "END:VCARD", "end:vcard", 1)),
		"trailing spaces": []byte(strings.Replace(strings.Replace(card, "BEGIN:VCARD", "BEGIN:VCARD  \t", 1), "END:VCARD", "END:VCARD \t ", 1)),
		"text before":     []byte("Contact card: see below\r\nthanks!\r\n\r\n" + card),
		"blank lines":     []byte("\n \n\t\n" + card + "  \n\n \t \n"),
	}
	for name, input := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(bytes.NewReader(input))
			require.NoError(t, err)
			requireCards(t, want, got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		p     Parser
		want  error
	}{
		{name: "text without a card", input: readFixture(t, "no_card.txt"), want: ErrNoCard},
		{name: "empty", input: nil, want: ErrNoCard},
		{name: "blank lines", input: []byte("\r\n  \r\n\t\r\n"), want: ErrNoCard},
		{name: "END without BEGIN", input: []byte("FN:Nobody\r\nTEL:+7 900 123-45-67\r\nEND:VCARD\r\n"), want: ErrNoCard},
		{name: "UTF-16LE text without a card", input: []byte("\xff\xfeh\x00i\x00\r\x00\n\x00"), want: ErrNoCard},
		{name: "binary file", input: readFixture(t, "binary.bin"), want: ErrNotText},
		{name: "NUL bytes", input: bytes.Repeat([]byte{0, 0, 0, 7, 0, 0x1f, 0x8b, 0}, 64), want: ErrNotText},
		{name: "over a small MaxBytes", input: readFixture(t, "ios_30.vcf"), p: Parser{MaxBytes: 1024}, want: ErrTooLarge},
		{name: "one byte over MaxBytes", input: readFixture(t, "greenapi_contact.vcf"),
			p: Parser{MaxBytes: int64(len(readFixture(t, "greenapi_contact.vcf")) - 1)}, want: ErrTooLarge},
		{name: "over the default cap", input: hugeCard(DefaultMaxBytes + 1), want: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := tt.p.Parse(bytes.NewReader(tt.input))
			require.ErrorIs(t, err, tt.want)
			assert.Empty(t, cards)
			for _, other := range []error{ErrNoCard, ErrNotText, ErrTooLarge} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other)
				}
			}
		})
	}
}

// hugeCard is one valid card of exactly n bytes.
func hugeCard(n int) []byte {
	head := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Note\r\nTEL:+7 900 123-45-67\r\nNOTE:"
	tail := "\r\nEND:VCARD\r\n"
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

func TestParseSizeCapBoundary(t *testing.T) {
	data := readFixture(t, "greenapi_contact.vcf")
	cards, err := Parser{MaxBytes: int64(len(data))}.Parse(bytes.NewReader(data))
	require.NoError(t, err, "an input of exactly MaxBytes is not over the cap")
	require.Len(t, cards, 1)
	assert.Equal(t, "Анна Смирнова", cards[0].FormattedName)
}

var errDisk = errors.New("read /mnt/upload: input/output error")

// failAfter returns its data, then err.
type failAfter struct {
	data []byte
	err  error
}

func (r *failAfter) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestParseReaderError(t *testing.T) {
	tests := map[string]io.Reader{
		"at once":    iotest.ErrReader(errDisk),
		"after data": &failAfter{data: readFixture(t, "greenapi_contact.vcf"), err: errDisk},
		"one byte at a time, then": iotest.OneByteReader(
			&failAfter{data: readFixture(t, "android_21_qp.vcf"), err: errDisk}),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			cards, err := Parse(r)
			require.ErrorIs(t, err, errDisk)
			assert.Empty(t, cards)
			assert.NotErrorIs(t, err, ErrNoCard)
		})
	}
}

// A reader that hands out a byte at a time gives the same cards.
func TestParseSlowReader(t *testing.T) {
	for _, file := range []string{"android_21_qp.vcf", "utf16le_bom.vcf", "ios_30.vcf"} {
		t.Run(file, func(t *testing.T) {
			got, err := Parse(iotest.OneByteReader(bytes.NewReader(readFixture(t, file))))
			require.NoError(t, err)
			requireCards(t, parseFixture(t, Parser{}, file), got)
		})
	}
}

func TestParserRegion(t *testing.T) {
	const gb = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Oliver Bennett\r\nN:Bennett;Oliver;;;\r\n" +
		"TEL;TYPE=CELL:07911 123456\r\nTEL;TYPE=WORK:020 7946 0958\r\nTEL;TYPE=HOME:+7 900 123-45-67\r\nEND:VCARD\r\n"
	const kz = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Ахметова;Гульнара;;;\r\nFN:Гульнара Ахметова\r\n" +
		"TEL;CELL:8 (701) 123-45-67\r\nTEL;WORK:8 727 250 12 34\r\nTEL;HOME:+375 29 123-45-67\r\nEND:VCARD\r\n"
	tests := []struct {
		name   string
		region string
		input  string
		want   []Phone
	}{
		{"GB national under GB", "GB", gb, []Phone{
			tel("07911 123456", "447911123456", "cell"),
			tel("020 7946 0958", "442079460958", "work"),
			tel("+7 900 123-45-67", "79001234567", "home"),
		}},
		{"GB national under the default RU", "", gb, []Phone{
			badTel("07911 123456", ErrInvalidPhone, "cell"),
			badTel("020 7946 0958", ErrInvalidPhone, "work"),
			tel("+7 900 123-45-67", "79001234567", "home"),
		}},
		{"KZ national under KZ", "KZ", kz, []Phone{
			tel("8 (701) 123-45-67", "77011234567", "cell"),
			tel("8 727 250 12 34", "77272501234", "work"),
			tel("+375 29 123-45-67", "375291234567", "home"),
		}},
		{"KZ national under GB", "GB", kz, []Phone{
			badTel("8 (701) 123-45-67", ErrInvalidPhone, "cell"),
			badTel("8 727 250 12 34", ErrInvalidPhone, "work"),
			tel("+375 29 123-45-67", "375291234567", "home"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parser{Region: tt.region}.Parse(strings.NewReader(tt.input))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			want := cards[0]
			want.Phones = tt.want
			requireCards(t, []Card{want}, cards)
		})
	}

	t.Run("UA fixture under UA", func(t *testing.T) {
		cards := parseFixture(t, Parser{Region: "UA"}, "cp1251_nocharset.vcf")
		require.Len(t, cards, 1)
		assertCard(t, 0, Card{
			FormattedName: "Олена Іванівна Шевченко",
			FirstName:     "Олена", MiddleName: "Іванівна", LastName: "Шевченко",
			Company: "Київська студія дизайну",
			Phones: []Phone{
				tel("+380 67 123 4567", "380671234567", "cell"),
				tel("044 123 4567", "380441234567", "home"),
			},
		}, cards[0])
	})
}

func TestParserDigits(t *testing.T) {
	tests := []struct {
		name string
		p    Parser
		file string
		want [][]Phone // per card
	}{
		{
			name: "10 to 13 digits let SG, DE and CN mobiles through",
			p:    Parser{MinDigits: 10, MaxDigits: 13},
			file: "multi_messy.vcf",
			want: [][]Phone{
				{tel("+49 151 23456789", "4915123456789", "cell"), tel("+49 30 12345678", "493012345678", "work")},
				{tel("+7 900 123-45-67", "79001234567", "cell")},
				{tel("+86 138 0013 8000", "8613800138000", "cell"), tel("+86 10 6552 9988", "861065529988", "work")},
			},
		},
		{
			name: "MaxDigits alone widens the rule",
			p:    Parser{MaxDigits: 13},
			file: "invalid_numbers.vcf",
			want: [][]Phone{{
				badTel("8 900 123 45 6", ErrInvalidPhone, "cell"),
				badTel("+65 6123 4567", ErrPhoneLength, "work"), // 10 < default MinDigits 11
				badTel("sip:x@example.com", ErrInvalidPhone, "home"),
				tel("+7 900 111-22-33", "79001112233", "cell"),
				tel("+7 900 444-55-66", "79004445566", "cell"),
				tel("+7 926 111-22-33", "79261112233", "cell"),
				tel("+7 903 200-40-60", "79032004060", "cell"),
				tel("+7 916 555-12-34", "79165551234", "voice"),
			}},
		},
		{
			name: "MinDigits 10 takes the Singapore number",
			p:    Parser{MinDigits: 10},
			file: "invalid_numbers.vcf",
			want: [][]Phone{{
				badTel("8 900 123 45 6", ErrInvalidPhone, "cell"),
				tel("+65 6123 4567", "6561234567", "work"),
				badTel("sip:x@example.com", ErrInvalidPhone, "home"),
				tel("+7 900 111-22-33", "79001112233", "cell"),
				tel("+7 900 444-55-66", "79004445566", "cell"),
				tel("+7 926 111-22-33", "79261112233", "cell"),
				tel("+7 903 200-40-60", "79032004060", "cell"),
				tel("+7 916 555-12-34", "79165551234", "voice"),
			}},
		},
		{
			name: "exactly 12 digits drops the 11-digit numbers",
			p:    Parser{MinDigits: 12, MaxDigits: 12},
			file: "utf8_bom.vcf",
			want: [][]Phone{{tel("+49 170 1234567", "491701234567", "cell"), tel("+49 30 12345678", "493012345678", "work")}},
		},
		{
			name: "exactly 12 digits",
			p:    Parser{MinDigits: 12, MaxDigits: 12},
			file: "koi8r.vcf",
			want: [][]Phone{{
				badTel("+7 910 765-00-11", ErrPhoneLength, "cell"),
				badTel("8 (812) 234-56-78", ErrPhoneLength, "home"),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards := parseFixture(t, tt.p, tt.file)
			require.Len(t, cards, len(tt.want))
			want := make([]Card, len(cards))
			for i := range cards {
				want[i] = cards[i]
				want[i].Phones = tt.want[i]
			}
			requireCards(t, want, cards)
		})
	}

	t.Run("MinDigits over MaxDigits", func(t *testing.T) {
		cards, err := Parser{MinDigits: 13, MaxDigits: 12}.Parse(bytes.NewReader(readFixture(t, "greenapi_contact.vcf")))
		require.Error(t, err)
		assert.Empty(t, cards)
	})
}

func TestParserFallbackCharset(t *testing.T) {
	const name = "Пётр Соколов"
	koi8, err := charmap.KOI8R.NewEncoder().String("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Соколов;Пётр;;;\r\nFN:" + name +
		"\r\nTEL;CELL:+7 910 765-00-11\r\nEND:VCARD\r\n")
	require.NoError(t, err)
	// What the KOI8-R bytes of the name read as in windows-1251.
	koi8Name, err := charmap.KOI8R.NewEncoder().String(name)
	require.NoError(t, err)
	misread, err := charmap.Windows1251.NewDecoder().String(koi8Name)
	require.NoError(t, err)
	require.NotEqual(t, name, misread)

	t.Run("koi8-r", func(t *testing.T) {
		cards, err := Parser{FallbackCharset: "koi8-r"}.Parse(strings.NewReader(koi8))
		require.NoError(t, err)
		requireCards(t, []Card{{
			FormattedName: name, FirstName: "Пётр", LastName: "Соколов",
			Phones: []Phone{tel("+7 910 765-00-11", "79107650011", "cell")},
		}}, cards)
	})
	t.Run("default windows-1251", func(t *testing.T) {
		cards, err := Parse(strings.NewReader(koi8))
		require.NoError(t, err)
		require.Len(t, cards, 1)
		assert.Equal(t, misread, cards[0].FormattedName)
		assert.Equal(t, "79107650011", cards[0].Phones[0].Number)
	})
	t.Run("koi8-r does not override CHARSET", func(t *testing.T) {
		cards := parseFixture(t, Parser{FallbackCharset: "koi8-r"}, "outlook_21_cp1251.vcf")
		require.Len(t, cards, 1)
		assert.Equal(t, "Елена Игоревна Волкова", cards[0].FormattedName)
		assert.Equal(t, "Главный бухгалтер филиала", cards[0].Title)
	})
	t.Run("koi8-r leaves UTF-8 alone", func(t *testing.T) {
		cards := parseFixture(t, Parser{FallbackCharset: "koi8-r"}, "greenapi_contact.vcf")
		require.Len(t, cards, 1)
		assert.Equal(t, "Анна Смирнова", cards[0].FormattedName)
	})
	t.Run("cp1251 fixture read as koi8-r", func(t *testing.T) {
		cards := parseFixture(t, Parser{FallbackCharset: "koi8-r"}, "cp1251_nocharset.vcf")
		require.Len(t, cards, 1)
		cp, err := charmap.Windows1251.NewEncoder().String("Олена Іванівна Шевченко")
		require.NoError(t, err)
		want, err := charmap.KOI8R.NewDecoder().String(cp)
		require.NoError(t, err)
		assert.Equal(t, want, cards[0].FormattedName)
	})
	t.Run("unknown charset", func(t *testing.T) {
		cards, err := Parser{FallbackCharset: "no-such-charset"}.Parse(strings.NewReader(koi8))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no-such-charset")
		assert.Empty(t, cards)
		assert.NotErrorIs(t, err, ErrNoCard)
	})
}

func TestPrimaryPhone(t *testing.T) {
	a := tel("+7 900 111-22-33", "79001112233", "cell")
	b := tel("+7 900 444-55-66", "79004445566", "home")
	bad := badTel("8 900 123 45 6", ErrInvalidPhone)
	tests := []struct {
		name   string
		card   Card
		want   Phone
		wantOK bool
	}{
		{"preferred wins over an earlier one", Card{Phones: []Phone{a, b.pref()}}, b.pref(), true},
		{"first normalized when none is preferred", Card{Phones: []Phone{bad, a, b}}, a, true},
		{"preferred but not normalized is passed over", Card{Phones: []Phone{bad.pref(), b, a}}, b, true},
		{"first of two preferred", Card{Phones: []Phone{bad, a.pref(), b.pref()}}, a.pref(), true},
		{"none normalized", Card{Phones: []Phone{bad, bad.pref()}}, Phone{}, false},
		{"no phones", Card{FormattedName: "Nobody"}, Phone{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.card.PrimaryPhone()
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}

	fixtures := []struct {
		file   string
		card   int
		number string
	}{
		{"ios_30.vcf", 0, "16502530000"},           // type=pref, also first
		{"android_21_qp.vcf", 0, "79261112233"},    // TEL;CELL;PREF
		{"v40_uri.vcf", 0, "447911123456"},         // PREF=1
		{"greenapi_contact.vcf", 0, "79161112233"}, // no preference: first
		{"invalid_numbers.vcf", 0, "79001112233"},  // first that normalized
		{"duplicates.vcf", 0, "79007654321"},       // pref merged into the first entry
		{"duplicates.vcf", 2, "79165551239"},       // pref from a later duplicate
		{"multi_messy.vcf", 0, "493012345678"},     // the first number is too long
	}
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			cards := parseFixture(t, Parser{}, f.file)
			require.Greater(t, len(cards), f.card)
			got, ok := cards[f.card].PrimaryPhone()
			require.True(t, ok)
			assert.Equal(t, f.number, got.Number)
		})
	}
	t.Run("card whose numbers all fail", func(t *testing.T) {
		cards, err := Parse(strings.NewReader("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lim Wei\r\n" +
			"TEL;TYPE=CELL:+65 9123 4567\r\nTEL;TYPE=pref:sip:lim@example.sg\r\nEND:VCARD\r\n"))
		require.NoError(t, err)
		require.Len(t, cards, 1)
		require.Len(t, cards[0].Phones, 2)
		_, ok := cards[0].PrimaryPhone()
		assert.False(t, ok)
	})
}

// Photos and other binary properties never reach the card, and their size
// does not matter below the cap.
func TestParseDropsBinaryProperties(t *testing.T) {
	photo := strings.Repeat("QUJD", 200000) // 800 KB of base64
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Person\r\nN:Person;Photo;;;\r\nPHOTO;ENCODING=b;TYPE=JPEG:")
	for i := 0; i < len(photo); i += 73 {
		if i > 0 {
			b.WriteString("\r\n ")
		}
		b.WriteString(photo[i:min(i+73, len(photo))])
	}
	b.WriteString("\r\nLOGO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r\nSOUND;ENCODING=b:UklGRg==\r\nKEY;ENCODING=b:MIIB\r\n")
	b.WriteString("TEL;TYPE=CELL:+7 900 123-45-67\r\nEND:VCARD\r\n")
	cards, err := Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	requireCards(t, []Card{{
		FormattedName: "Photo Person", FirstName: "Photo", LastName: "Person",
		Phones: []Phone{tel("+7 900 123-45-67", "79001234567", "cell")},
	}}, cards)
}
