package contactcard

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-vcard"
	"github.com/nyaruka/phonenumbers"
)

// greenAPICard is GREEN-API's contactMessage sample with its second number
// from the contactsArrayMessage sample: two numbers, both with a waid.
const greenAPICard = "BEGIN:VCARD\nVERSION:3.0\nN:Andreevich;Victor;;;\nFN:Victor Andreevich\nORG:Image\nTITLE:\n" +
	"item1.TEL;waid=79001234569:+7 900 123-45-69\nitem1.X-ABLabel:Mobile\n" +
	"TEL;type=CELL;waid=72345678901:+7 234 567 8901\nEND:VCARD"

// plainCard has two numbers without waid, so that Parse has to normalize
// both with phonenumbers as the baseline does.
const plainCard = "BEGIN:VCARD\nVERSION:3.0\nN:Andreevich;Victor;;;\nFN:Victor Andreevich\nORG:Image\nTITLE:\n" +
	"item1.TEL:+7 900 123-45-69\nitem1.X-ABLabel:Mobile\n" +
	"TEL;type=CELL:8 (495) 123-45-67\nEND:VCARD"

// BenchmarkCard compares Parse with the least a caller would do by hand:
// go-vcard's Decode, then phonenumbers' Parse, IsValidNumber and Format of
// every TEL value. The target is Parse ≤ 1.3× that baseline.
func BenchmarkCard(b *testing.B) {
	for _, in := range []struct{ name, text string }{{"greenapi", greenAPICard}, {"no_waid", plainCard}} {
		data := []byte(in.text)
		b.Run(in.name+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cards, err := Parse(bytes.NewReader(data))
				if err != nil || len(cards[0].Phones) != 2 {
					b.Fatal(err, cards)
				}
			}
		})
		b.Run(in.name+"/GoVCardPhonenumbers", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				card, err := vcard.NewDecoder(bytes.NewReader(data)).Decode()
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for _, f := range card[vcard.FieldTelephone] {
					num, err := phonenumbers.Parse(f.Value, "RU")
					if err == nil && phonenumbers.IsValidNumber(num) {
						_ = phonenumbers.Format(num, phonenumbers.E164)
					}
					n++
				}
				if n != 2 {
					b.Fatal(n)
				}
			}
		})
	}
}

// BenchmarkPerMB parses a file of 1000 ordinary cards and a card whose
// photo is folded after every character, at three sizes; MB/s shows that
// time grows linearly with the input, whatever its shape. The target
// is that the 1000 cards and the 1.6 MB card differ by at most 3× per MB.
// names_only is the same 1000 cards without their phones: the cost of
// reading them, less that of validating 2000 numbers.
func BenchmarkPerMB(b *testing.B) {
	cards := thousandCards()
	for _, in := range []struct {
		name  string
		data  []byte
		cards int
	}{
		{"1000_cards", cards, 1000},
		{"1000_cards_names_only", withoutPhones(cards), 1000},
		{"folded_0.4MB", foldedCard(25 << 10), 1},
		{"folded_1.6MB", foldedCard(100 << 10), 1},
		{"folded_3.2MB", foldedCard(200 << 10), 1},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				cards, err := Parse(bytes.NewReader(in.data))
				if err != nil || len(cards) != in.cards {
					b.Fatal(err, len(cards))
				}
			}
		})
	}
}

// BenchmarkNormalize is the cost of one number, national and international.
func BenchmarkNormalize(b *testing.B) {
	for _, raw := range []string{"8 (900) 123-45-67", "+44 7911 123456", "\u200e+7 900 123-45-67 mobile"} {
		b.Run(raw, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Normalize(raw, "RU"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	cards, err := Parse(strings.NewReader(greenAPICard))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Encode(io.Discard, cards...); err != nil {
			b.Fatal(err)
		}
	}
}

// thousandCards is 1000 cards of the kinds phones export, each with two
// valid numbers, CRLF line ends.
func thousandCards() []byte {
	var b bytes.Buffer
	for i := range 1000 {
		switch i % 3 {
		case 0: // iOS
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\nN:Петров%d;Иван;;;\r\nFN:Иван Петров%d\r\n"+
				"ORG:ООО Ромашка;\r\nitem1.TEL;type=CELL;type=VOICE;type=pref:+7 (900) 1%02d-%02d-%02d\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n"+
				"TEL;type=WORK;type=VOICE:8 (495) 2%02d-%02d-%02d\r\nEMAIL;type=INTERNET;type=HOME:ivan%d@example.com\r\nEND:VCARD\r\n",
				i, i, i%100, i%97, i%89, i%100, i%97, i%89, i)
		case 1: // Android 2.1
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=A1=D0=BC=D0=B8=D1=82;=D0=90=D0=BD=D0=BD=D0=B0%d;;;\r\n"+
				"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=90=D0=BD=D0=BD=D0=B0 =D0=A1=D0=BC=D0=B8=D1=82\r\n"+
				"TEL;CELL;PREF:+7900%07d\r\nTEL;HOME:8 (812) 3%02d-%02d-%02d\r\nEND:VCARD\r\n", i, 3000000+i, i%100, i%97, i%89)
		default: // Google
			fmt.Fprintf(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee %d\r\nN:Lee;Ann;;;\r\nEMAIL;TYPE=INTERNET;TYPE=HOME:ann%d@example.com\r\n"+
				"TEL;TYPE=CELL:+44 7911 %06d\r\nitem1.TEL:+380 50 %03d %04d\r\nitem1.X-ABLabel:Kyiv\r\nEND:VCARD\r\n", i, i, 100000+i, 100+i%900, 1000+i)
		}
	}
	return b.Bytes()
}

// withoutPhones drops the TEL lines of a text.
func withoutPhones(data []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(data, []byte("\r\n")) {
		if !bytes.Contains(line, []byte("TEL")) {
			out = append(out, line...)
		}
	}
	return out
}

// foldedCard is a card whose photo of quads×4 bytes is folded after every
// character; at 100 Ki quads it is the 1.6 MB that take go-vcard alone about
// 15 s and 80 GB of allocations.
func foldedCard(quads int) []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nFN:Ann Lee\r\nPHOTO;ENCODING=b;TYPE=JPEG:A")
	payload := strings.Repeat("QUJD", quads)
	for i := range len(payload) {
		b.WriteString("\r\n ")
		b.WriteByte(payload[i])
	}
	b.WriteString("\r\nTEL;TYPE=CELL:+7 900 123-45-67\r\nEND:VCARD\r\n")
	return b.Bytes()
}
