package contactcard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseCardsOfUnusualShape pins the cards of issue #22 that were not
// read at all or lost a property: a BEGIN line with leading whitespace,
// BEGIN and END with a group prefix, RFC 2426's AGENT card escaped into
// one value, and a property of several groups.
func TestParseCardsOfUnusualShape(t *testing.T) {
	type want struct {
		name    string
		numbers []string
		emails  []string
	}
	for _, tc := range []struct {
		name string
		in   string
		want []want
	}{
		{
			name: "BEGIN indented by a space",
			in:   " BEGIN:VCARD\nVERSION:3.0\nFN:Olga Sidorova\nTEL:+7 912 345-67-89\nEND:VCARD\n",
			want: []want{{"Olga Sidorova", []string{"79123456789"}, nil}},
		},
		{
			name: "BEGIN and END indented by a tab and spaces, CRLF",
			in:   "\tBEGIN:VCARD\r\nFN:Olga Sidorova\r\nTEL:+7 912 345-67-89\r\n  END:VCARD\r\n BEGIN:VCARD\r\nFN:Pavel Orlov\r\nTEL:+7 913 222-33-44\r\nEND:VCARD\r\n",
			want: []want{{"Olga Sidorova", []string{"79123456789"}, nil}, {"Pavel Orlov", []string{"79132223344"}, nil}},
		},
		{
			name: "BEGIN and END with a group",
			in:   "card.BEGIN:VCARD\ncard.VERSION:2.1\ncard.FN:Pavel Orlov\ncard.TEL;CELL:+7 913 222-33-44\ncard.END:VCARD\n",
			want: []want{{"Pavel Orlov", []string{"79132223344"}, nil}},
		},
		{
			name: "BEGIN with a group, END without, lower case",
			in:   "x-1.begin:vcard\nfn:Pavel Orlov\ntel:+7 913 222-33-44\nend:vcard\n",
			want: []want{{"Pavel Orlov", []string{"79132223344"}, nil}},
		},
		{
			name: "AGENT card escaped into one value",
			in: "BEGIN:VCARD\nVERSION:3.0\nFN:Irina Volkova\nTEL:+7 921 111-22-33\n" +
				"AGENT:BEGIN:VCARD\\nFN:Boris Lebedev\\nTEL\\;TYPE=WORK:+7 921 444-55-66\\nEMAIL\\;TYPE=INTERNET:boris@example.org\\nEND:VCARD\\n\n" +
				"EMAIL:irina@example.org\nEND:VCARD\n",
			want: []want{
				{"Irina Volkova", []string{"79211112233"}, []string{"irina@example.org"}},
				{"Boris Lebedev", []string{"79214445566"}, []string{"boris@example.org"}},
			},
		},
		{
			name: "AGENT card folded, with an escaped comma in a name",
			in:   "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Irina Volkova\r\nAGENT:BEGIN:VCARD\\nN:Lebedev\\;Boris\\nFN:Lebedev\\, Boris\\nTEL:+7 92\r\n 1 444-55-66\\nEND:VCARD\r\nEND:VCARD\r\n",
			want: []want{
				{"Irina Volkova", nil, nil},
				{"Lebedev, Boris", []string{"79214445566"}, nil},
			},
		},
		{
			name: "AGENT card that ends inside a base64 photo",
			in: "BEGIN:VCARD\nFN:Irina Volkova\nAGENT:BEGIN:VCARD\\nFN:Boris Lebedev\\nPHOTO;ENCODING=BASE64:\\n QUJD\n" +
				"NOTE:a note\n  folded\nTEL:+7 921 111-22-33\nEND:VCARD\n",
			want: []want{
				{"Irina Volkova", []string{"79211112233"}, nil},
				{"Boris Lebedev", nil, nil},
			},
		},
		{
			name: "AGENT that is a URI is no card",
			in:   "BEGIN:VCARD\nFN:Irina Volkova\nAGENT;VALUE=uri:CID:JQPUBLIC.part3.960129T083020.xyzMail@example.com\nEND:VCARD\n",
			want: []want{{"Irina Volkova", nil, nil}},
		},
		{
			name: "properties of several groups",
			in: "BEGIN:VCARD\nVERSION:2.1\nFN:Olga Sidorova\nA.B.TEL;CELL:+7 912 345-67-89\nA.B.X-ABLabel:dacha\n" +
				"home.work.EMAIL;INTERNET:olga@example.org\nEND:VCARD\n",
			want: []want{{"Olga Sidorova", []string{"79123456789"}, []string{"olga@example.org"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cards, err := Parse(strings.NewReader(tc.in))
			require.NoError(t, err)
			require.Len(t, cards, len(tc.want))
			for i, w := range tc.want {
				c := cards[i]
				assert.Equal(t, w.name, c.FormattedName, "card %d", i)
				var numbers []string
				for _, p := range c.Phones {
					require.NoError(t, p.Err, "card %d, %q", i, p.Raw)
					numbers = append(numbers, p.Number)
				}
				assert.Equal(t, w.numbers, numbers, "card %d", i)
				assert.Equal(t, w.emails, c.Emails, "card %d", i)
			}
		})
	}
}

// TestParseMultiGroupLabel pins that a TEL of several groups takes the
// label of the same groups.
func TestParseMultiGroupLabel(t *testing.T) {
	cards, err := Parse(strings.NewReader("BEGIN:VCARD\nFN:Olga\nA.B.TEL:+7 912 345-67-89\nB.X-ABLabel:wrong\nA.B.X-ABLabel:dacha\nEND:VCARD\n"))
	require.NoError(t, err)
	require.Len(t, cards[0].Phones, 1)
	assert.Equal(t, "dacha", cards[0].Phones[0].Label)
}
