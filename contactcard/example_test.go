package contactcard_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
)

func ExampleParse() {
	// A card as WhatsApp shares it, and one as an old Android phone exports
	// it: vCard 2.1, bare parameters, quoted-printable UTF-8.
	vcf := "BEGIN:VCARD\nVERSION:3.0\nN:Andreevich;Victor;;;\nFN:Victor Andreevich\n" +
		"item1.TEL;waid=79001234569:+7 900 123-45-69\nitem1.X-ABLabel:Mobile\nEND:VCARD\n" +
		"BEGIN:VCARD\r\nVERSION:2.1\r\n" +
		"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=D0=BD;;;\r\n" +
		"TEL;CELL;PREF:8 (900) 765-43-21\r\nTEL;HOME:+65 6123 4567\r\nEND:VCARD\r\n"
	cards, err := contactcard.Parse(strings.NewReader(vcf))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cards {
		fmt.Println(c.FormattedName)
		for _, p := range c.Phones {
			if p.Err != nil {
				fmt.Printf("  %s: %v\n", p.Raw, p.Err)
				continue
			}
			fmt.Printf("  %s → %s %v %q\n", p.Raw, p.Number, p.Types, p.Label)
		}
		if p, ok := c.PrimaryPhone(); ok {
			fmt.Println("  send:", p.Number)
		}
	}
	// Output:
	// Victor Andreevich
	//   +7 900 123-45-69 → 79001234569 [] "Mobile"
	//   send: 79001234569
	// Иван Петров
	//   8 (900) 765-43-21 → 79007654321 [cell] ""
	//   +65 6123 4567: contactcard: phone number length not accepted: "+65 6123 4567": +6561234567 has 10 digits where 11–12 are needed
	//   send: 79007654321
}

func ExampleParser() {
	// Numbers written nationally in Kazakhstan, and a provider that takes
	// 10 to 13 digits.
	p := contactcard.Parser{Region: "KZ", MinDigits: 10, MaxDigits: 13}
	cards, err := p.Parse(strings.NewReader("BEGIN:VCARD\nFN:Aigerim\nTEL:8 701 123 4567\nTEL:+65 6123 4567\nEND:VCARD"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ph := range cards[0].Phones {
		fmt.Println(ph.Number)
	}
	// Output:
	// 77011234567
	// 6561234567
}

func ExampleNormalize() {
	for _, raw := range []string{
		"8 (900) 123-45-67",
		"\u200e+44 7911 123456\u202c",
		"00 380 50 123 4567 (work)",
		"+7 (495) 123-45-67 доб. 123",
		"+65 6123 4567",
		"8 900 123 45 6",
	} {
		digits, err := contactcard.Normalize(raw, "RU")
		switch {
		case errors.Is(err, contactcard.ErrPhoneLength):
			fmt.Println("length:", err)
		case errors.Is(err, contactcard.ErrInvalidPhone):
			fmt.Println("invalid:", err)
		default:
			fmt.Println(digits)
		}
	}
	// Output:
	// 79001234567
	// 447911123456
	// 380501234567
	// 74951234567
	// length: contactcard: phone number length not accepted: "+65 6123 4567": +6561234567 has 10 digits where 11–12 are needed
	// invalid: contactcard: invalid phone number: "8 900 123 45 6": in RU (the default region) it reads as +78900123456, which is in no range of numbers RU uses
}

func ExampleEncode() {
	card := contactcard.Card{
		FirstName: "Pat", LastName: "O'Brien", Company: "Smith, Sons & Co",
		Phones: []contactcard.Phone{{Number: "447911123456", Types: []string{"cell"}, Preferred: true}},
	}
	var buf strings.Builder
	if err := contactcard.Encode(&buf, card); err != nil {
		fmt.Println(err)
		return
	}
	// The lines end in CRLF, as vCard requires; shown here with LF.
	fmt.Print(strings.ReplaceAll(buf.String(), "\r\n", "\n"))
	// Output:
	// BEGIN:VCARD
	// VERSION:3.0
	// N:O'Brien;Pat;;;
	// FN:Pat O'Brien
	// ORG:Smith\, Sons & Co
	// TEL;TYPE=CELL,PREF:+447911123456
	// END:VCARD
}

// A number written without its country code is read in the country of its
// card's address; where the card says nothing, in the default region; and
// where the evidence makes no valid number of it, it is refused, not
// guessed.
func ExamplePhone_region() {
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Roe\r\nTEL;TYPE=CELL:905-555-1234\r\n" +
		"ADR;TYPE=HOME:;;1 Main St;Toronto;ON;M5V 2T6;Canada\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ivan Petrov\r\nTEL;TYPE=CELL:905 555-12-34\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL;TYPE=CELL:416-555-0123\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Li Wei\r\nTEL;TYPE=CELL:13866192019\r\nEND:VCARD\r\n"
	cards, err := contactcard.Parse(strings.NewReader(vcf))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cards {
		for _, p := range c.Phones {
			if p.Err != nil {
				fmt.Printf("%s: %v\n", c.FormattedName, p.Err)
				continue
			}
			fmt.Printf("%s: %s, a number of %s, by %v\n", c.FormattedName, p.Number, p.Region, p.RegionFrom)
		}
	}
	// Output:
	// Jane Roe: 19055551234, a number of CA, by the card's address
	// Ivan Petrov: 79055551234, a number of RU, by the default region
	// Ann Lee: contactcard: invalid phone number: it could be the number of more than one country: "416-555-0123": read in RU (the default region) it would be +7 416 555-01-23, but it is not written the way RU writes that number: it is grouped the way CA writes +1 416-555-0123, CN writes +86 416 555 0123, IN writes +91 416 555 0123 and one more country. Nothing on the card says which country it is in: write it with its country code, as +7 416 555-01-23 or +1 416-555-0123 or +86 416 555 0123 or +91 416 555 0123
	// Li Wei: contactcard: invalid phone number: "13866192019": in RU (the default region) it reads as +713866192019, but no number of RU has that many digits; as international digits it would be +13866192019 in US, but nothing points there (write it with + if that is meant)
}
