package contactcard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantPhone is a phone a merge test expects; err is the sentinel its Err
// wraps, or nil when it normalizes to number.
type wantPhone struct {
	raw, number string
	err         error
	types       []string
	pref        bool
}

func assertPhones(t *testing.T, want []wantPhone, got []Phone) {
	t.Helper()
	raws := make([]string, len(got))
	for i, p := range got {
		raws[i] = fmt.Sprintf("%q %v %v", p.Raw, p.Types, p.Err)
	}
	require.Len(t, got, len(want), "phones: %s", strings.Join(raws, "; "))
	for i, w := range want {
		g := got[i]
		assert.Equal(t, w.raw, g.Raw, "phone %d", i)
		assert.Equal(t, w.number, g.Number, "phone %d (%s)", i, w.raw)
		if w.err == nil {
			assert.NoError(t, g.Err, "phone %d (%s)", i, w.raw)
		} else {
			assert.ErrorIs(t, g.Err, w.err, "phone %d (%s)", i, w.raw)
			var pe *PhoneError
			if assert.ErrorAs(t, g.Err, &pe) {
				assert.Equal(t, w.raw, pe.Raw, "phone %d: the error names its own value", i)
			}
		}
		types := g.Types
		if types == nil {
			types = []string{}
		}
		if w.types == nil {
			w.types = []string{}
		}
		assert.Equal(t, w.types, types, "phone %d (%s)", i, w.raw)
		assert.Equal(t, w.pref, g.Preferred, "phone %d (%s)", i, w.raw)
	}
}

// Two TELs are one phone only when they are the same number; a TEL that
// fails is never merged (issue 10, defects 3 and 4).
func TestParseMergesOnlyTheSameNumber(t *testing.T) {
	many := ""
	var manyWant []wantPhone
	for i := range 9 {
		raw := fmt.Sprintf("+7 916 555-12-3%d", i)
		many += "TEL;TYPE=CELL:" + raw + "\n"
		manyWant = append(manyWant, wantPhone{raw: raw, number: fmt.Sprintf("7916555123%d", i), types: []string{"cell"}})
	}
	manyWant[0].types = []string{"cell", "work"}

	tests := []struct {
		name  string
		p     Parser
		props string
		want  []wantPhone
	}{
		{
			name: "issue 10: Outlook direct-dial numbers after a spaced dash are three phones",
			props: "TEL;WORK;VOICE:+49 (0611) 123456 - 11\nTEL;CELL:+49 (0611) 123456 - 14\n" +
				"TEL;WORK;FAX:+49 (0611) 123456 - 13",
			want: []wantPhone{
				{raw: "+49 (0611) 123456 - 11", err: ErrPhoneLength, types: []string{"work", "voice"}},
				{raw: "+49 (0611) 123456 - 14", err: ErrPhoneLength, types: []string{"cell"}},
				{raw: "+49 (0611) 123456 - 13", err: ErrPhoneLength, types: []string{"work", "fax"}},
			},
		},
		{
			name: "issue 10: the direct-dial numbers under 11–13 digits",
			p:    Parser{MaxDigits: 13},
			props: "TEL;WORK;VOICE:+49 (0611) 123456 - 11\nTEL;CELL:+49 (0611) 123456 - 14\n" +
				"TEL;WORK;FAX:+49 (0611) 123456 - 13\nTEL;WORK:+49 (0611) 123456",
			want: []wantPhone{
				{raw: "+49 (0611) 123456 - 11", number: "4961112345611", types: []string{"work", "voice"}},
				{raw: "+49 (0611) 123456 - 14", number: "4961112345614", types: []string{"cell"}},
				{raw: "+49 (0611) 123456 - 13", number: "4961112345613", types: []string{"work", "fax"}},
				{raw: "+49 (0611) 123456", number: "49611123456", types: []string{"work"}},
			},
		},
		{
			name:  "issue 10: failed numbers written alike stay two phones",
			props: "TEL;CELL;PREF:123456\nTEL;WORK;FAX:123456",
			want: []wantPhone{
				{raw: "123456", err: ErrInvalidPhone, types: []string{"cell"}, pref: true},
				{raw: "123456", err: ErrInvalidPhone, types: []string{"work", "fax"}},
			},
		},
		{
			name:  "failed numbers of the same types stay two phones",
			props: "TEL;TYPE=CELL:+65 9123 4567\nTEL;TYPE=CELL:+65 9123 4567",
			want: []wantPhone{
				{raw: "+65 9123 4567", err: ErrPhoneLength, types: []string{"cell"}},
				{raw: "+65 9123 4567", err: ErrPhoneLength, types: []string{"cell"}},
			},
		},
		{
			name:  "one value as CELL and as WORK is one phone",
			props: "TEL;TYPE=CELL:+7 900 123-45-67\nTEL;TYPE=WORK;TYPE=pref:+7 900 123-45-67",
			want: []wantPhone{
				{raw: "+7 900 123-45-67", number: "79001234567", types: []string{"cell", "work"}, pref: true},
			},
		},
		{
			name:  "one number written +7 and 8 is one phone",
			props: "TEL;TYPE=CELL:+7 900 123-45-67\nTEL;TYPE=HOME:8 (900) 123-45-67",
			want: []wantPhone{
				{raw: "+7 900 123-45-67", number: "79001234567", types: []string{"cell", "home"}},
			},
		},
		{
			name: "a switchboard and its marked extensions are three phones",
			props: "TEL;TYPE=WORK:+7 495 123-45-67\nTEL;TYPE=WORK:+7 495 123-45-67 ext 12\n" +
				"TEL;TYPE=FAX:+7 495 123-45-67 ext 13",
			want: []wantPhone{
				{raw: "+7 495 123-45-67", number: "74951234567", types: []string{"work"}},
				{raw: "+7 495 123-45-67 ext 12", number: "74951234567", types: []string{"work"}},
				{raw: "+7 495 123-45-67 ext 13", number: "74951234567", types: []string{"fax"}},
			},
		},
		{
			name: "one extension marked three ways is one phone",
			props: "TEL;TYPE=WORK:+7 495 123-45-67 ext 12\nTEL;TYPE=VOICE:8 (495) 123-45-67 доб. 12\n" +
				"TEL;VALUE=uri;TYPE=HOME:tel:+7-495-123-45-67;ext=12",
			want: []wantPhone{
				{raw: "+7 495 123-45-67 ext 12", number: "74951234567", types: []string{"work", "voice", "home"}},
			},
		},
		{
			name: "many phones: the index merges the same way",
			props: many + "TEL;TYPE=WORK:8 916 555-12-30\nTEL;TYPE=CELL:123456\nTEL;TYPE=CELL:123456\n" +
				"TEL;TYPE=WORK:+7 916 555-12-38 x5\nTEL;TYPE=HOME:+7 916 555-12-38 #5\nTEL;TYPE=WORK:+7 916 555-12-38 x6",
			want: append(manyWant,
				wantPhone{raw: "123456", err: ErrInvalidPhone, types: []string{"cell"}},
				wantPhone{raw: "123456", err: ErrInvalidPhone, types: []string{"cell"}},
				wantPhone{raw: "+7 916 555-12-38 x5", number: "79165551238", types: []string{"work", "home"}},
				wantPhone{raw: "+7 916 555-12-38 x6", number: "79165551238", types: []string{"work"}},
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := tt.p.Parse(strings.NewReader("BEGIN:VCARD\nVERSION:2.1\nN:Test;Merge;;;\n" + tt.props + "\nEND:VCARD\n"))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assertPhones(t, tt.want, cards[0].Phones)
		})
	}
}

func TestMergeKey(t *testing.T) {
	tests := []struct {
		name string
		a, b Phone
		same bool
	}{
		{"same number, same raw", Phone{Raw: "+7 900 123-45-67", Number: "79001234567"}, Phone{Raw: "+7 900 123-45-67", Number: "79001234567"}, true},
		{"same number, other notation", Phone{Raw: "+7 900 123-45-67", Number: "79001234567"}, Phone{Raw: "89001234567", Number: "79001234567"}, true},
		{"a word after the number", Phone{Raw: "+7 900 123-45-67 mobile", Number: "79001234567"}, Phone{Raw: "+7 900 123-45-67", Number: "79001234567"}, true},
		{"an extension", Phone{Raw: "+7 495 123-45-67 ext 1", Number: "74951234567"}, Phone{Raw: "+7 495 123-45-67", Number: "74951234567"}, false},
		{"fullwidth extension digits", Phone{Raw: "+7 495 123-45-67 ext １", Number: "74951234567"}, Phone{Raw: "+7 495 123-45-67 x1", Number: "74951234567"}, true},
		{"a pause", Phone{Raw: "+7 495 123-45-67,,5", Number: "74951234567"}, Phone{Raw: "+7 495 123-45-67", Number: "74951234567"}, false},
		{"failed, same raw", Phone{Raw: "123456", Err: ErrInvalidPhone}, Phone{Raw: "123456", Err: ErrInvalidPhone}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, kb := mergeKey(tt.a), mergeKey(tt.b)
			if tt.same {
				assert.NotEmpty(t, ka)
				assert.Equal(t, ka, kb)
			} else {
				assert.True(t, ka == "" || ka != kb, "%q and %q", ka, kb)
			}
		})
	}
}
