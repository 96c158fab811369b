package contactcard

import (
	"bytes"
	"testing"
	"time"

	"github.com/emersion/go-vcard"
	"github.com/nyaruka/phonenumbers"
)

// sampleCard is GREEN-API's contactMessage sample card (its webhook
// documentation's vCard, one number with a waid) with a second number
// written nationally, as a Russian phone exports it.
const sampleCard = "BEGIN:VCARD\nVERSION:3.0\nN:Андреевич;Виктор;;;\nFN:Виктор Андреевич\nORG:Image\nTITLE:\n" +
	"item1.TEL;waid=79001234569:+7 900 123-45-69\nitem1.X-ABLabel:Мобильный\n" +
	"TEL;type=HOME:8 (495) 123-45-67\nEND:VCARD"

// rawFloor is the least a caller does by hand with Parse's dependencies:
// go-vcard's Decode of the card, then phonenumbers' Parse, IsValidNumber
// and Format of every TEL value in the default region. It returns how
// many numbers were valid.
func rawFloor(data []byte) (int, error) {
	card, err := vcard.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return 0, err
	}
	valid := 0
	for _, f := range card[vcard.FieldTelephone] {
		num, err := phonenumbers.Parse(f.Value, DefaultRegion)
		if err == nil && phonenumbers.IsValidNumber(num) {
			_ = phonenumbers.Format(num, phonenumbers.E164)
			valid++
		}
	}
	return valid, nil
}

// BenchmarkParse runs Parse of sampleCard and rawFloor of it by turns,
// one each per iteration, so that the machine's load touches both alike,
// and reports each one's time and parse/floor, their ratio. The issue's
// target (#22): parse/floor at most 1.0.
func BenchmarkParse(b *testing.B) {
	data := []byte(sampleCard)
	var spent [2]time.Duration
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		start := time.Now()
		cards, err := Parse(bytes.NewReader(data))
		spent[0] += time.Since(start)
		if err != nil || len(cards) != 1 || len(cards[0].Phones) != 2 || cards[0].Phones[1].Number == "" {
			b.Fatal(err, cards)
		}
		start = time.Now()
		valid, err := rawFloor(data)
		spent[1] += time.Since(start)
		if err != nil || valid != 2 {
			b.Fatal(err, valid)
		}
	}
	b.ReportMetric(float64(spent[0].Nanoseconds())/float64(n), "parse-ns/op")
	b.ReportMetric(float64(spent[1].Nanoseconds())/float64(n), "floor-ns/op")
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "parse/floor")
}
