package contactcard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The same card, written with every line end and folding style the pre-pass
// must read, gives the same Card.
func TestParseLineEndsAndFolding(t *testing.T) {
	want := Card{
		FormattedName: "Анна Смирнова", FirstName: "Анна", LastName: "Смирнова",
		Company: "ООО Ромашка",
		Phones: []Phone{{
			Raw: "+7 900 123-45-67", Number: "79001234567", Types: []string{"cell"}, Preferred: true,
		}},
		Emails: []string{"anna@example.com"},
	}
	lines := []string{
		"BEGIN:VCARD", "VERSION:3.0", "N:Смирнова;Анна;;;", "FN:Анна Смирнова",
		"ORG:ООО Ромашка", "TEL;TYPE=CELL,PREF:+7 900 123-45-67", "EMAIL:anna@example.com", "END:VCARD",
	}
	tests := []struct {
		name string
		text string
	}{
		{"LF", strings.Join(lines, "\n")},
		{"CRLF", strings.Join(lines, "\r\n") + "\r\n"},
		{"bare CR", strings.Join(lines, "\r")},
		{"CR CR LF", strings.Join(lines, "\r\r\n")},
		{"mixed", strings.Join(lines[:4], "\r\n") + "\n" + strings.Join(lines[4:], "\r")},
		{"folded with space", strings.Replace(strings.Join(lines, "\r\n"), "FN:Анна Смирнова", "FN:Анна\r\n  Смирнова", 1)},
		{"folded with tab", strings.Replace(strings.Join(lines, "\n"), "EMAIL:anna@example.com", "EMAIL:anna@\n\texample.com", 1)},
		{"folded inside the name", strings.Replace(strings.Join(lines, "\n"), "TEL;TYPE=CELL,PREF:", "TE\n L;TYPE=CE\n LL,PREF:", 1)},
		{"folded before the colon", strings.Replace(strings.Join(lines, "\n"), "TEL;TYPE=CELL,PREF:", "TEL;TYPE=CELL,PREF\n :", 1)},
		{"folded in a UTF-8 sequence", strings.Replace(strings.Join(lines, "\n"), "ORG:ООО Ромашка", "ORG:ООО Ром\xd0\n \xb0шка", 1)},
		{"whitespace-only lines", strings.Join(lines, "\n  \n\t\n")},
		{"no line end at EOF after a fold", strings.Join(lines[:7], "\n") + "\nEND:\n VCARD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse(strings.NewReader(tt.text))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assertCard(t, 0, want, cards[0])
		})
	}
}

func TestParseQuotedPrintable(t *testing.T) {
	tests := []struct {
		name string
		line string // a property of a 2.1 card
		want Card
	}{
		{
			name: "parameter with soft line break",
			line: "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=\r\n=D0=BD;;;",
			want: Card{FormattedName: "Иван Петров", FirstName: "Иван", LastName: "Петров"},
		},
		{
			name: "bare token, charset after it",
			line: "FN;QUOTED-PRINTABLE;CHARSET=UTF-8:=E5=B1=B1=E7=94=B0 =E5=A4=AA=E9=83=8E",
			want: Card{FormattedName: "山田 太郎", FirstName: "山田", LastName: "太郎"},
		},
		{
			name: "lower-case hex and a stray equals sign",
			line: "FN;ENCODING=QUOTED-PRINTABLE:Jos=c3=a9 =3D M=ZZ",
			want: Card{FormattedName: "José = M=ZZ", FirstName: "José", MiddleName: "=", LastName: "M=ZZ"},
		},
		{
			name: "line break inside the value",
			line: "ORG;ENCODING=QUOTED-PRINTABLE:Acme=0D=0ALtd",
			want: Card{FormattedName: "Acme\nLtd", Company: "Acme\nLtd"}, // names come from FN, never from ORG
		},
		{
			name: "soft breaks over several lines, the last before END",
			line: "FN;ENCODING=QUOTED-PRINTABLE:Ann=\r\na=\r\n Lee=",
			want: Card{FormattedName: "Anna Lee", FirstName: "Anna", LastName: "Lee"},
		},
		{
			name: "header folded before the encoding is known",
			line: "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRI\r\n NTABLE:=D0=90=D0=BD=D0=BD=D0=B0 =D0=9B=\r\n=D0=B8",
			want: Card{FormattedName: "Анна Ли", FirstName: "Анна", LastName: "Ли"},
		},
		{
			name: "soft break in a skipped property does not leak lines",
			line: "NOTE;ENCODING=QUOTED-PRINTABLE:one=\r\nTEL:+7 900 000-00-00=\r\nthree\r\nFN:Real Name",
			want: Card{FormattedName: "Real Name", FirstName: "Real", LastName: "Name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "BEGIN:VCARD\r\nVERSION:2.1\r\n" + tt.line + "\r\nEND:VCARD\r\n"
			cards, err := Parse(strings.NewReader(text))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, tt.want, cards[0])
		})
	}
}

func TestParseSkipsBinaryData(t *testing.T) {
	photo := strings.Repeat("QUJDRA==", 2000)
	tests := []struct {
		name string
		prop string
	}{
		{"3.0 photo folded at 74", "PHOTO;ENCODING=b;TYPE=JPEG:" + fold(photo, 74, " ")},
		{"photo folded every character", "PHOTO;ENCODING=b;TYPE=JPEG:" + fold(photo, 1, " ")},
		{"2.1 base64 block ended by a blank line", "PHOTO;ENCODING=BASE64;JPEG:" + fold(photo, 76, "") + "\r\n"},
		{"2.1 base64 block with indented lines", "PHOTO;BASE64:\r\n " + fold(photo, 72, "  ") + "\r\n"},
		{"2.1 base64 block without the blank line", "LOGO;ENCODING=BASE64;TYPE=GIF:" + fold(photo, 76, "")},
		{"key", "KEY;X509;ENCODING=BASE64:" + fold(photo, 64, " ")},
		{"sound uri", "SOUND;VALUE=uri:https://example.com/a.ogg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lee;Ann\r\n" + tt.prop + "\r\nTEL;CELL:+44 7911 123456\r\nEND:VCARD\r\n"
			cards, err := Parse(strings.NewReader(text))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, "Ann Lee", cards[0].FormattedName)
			require.Len(t, cards[0].Phones, 1)
			assert.Equal(t, "447911123456", cards[0].Phones[0].Number)
		})
	}
}

// fold breaks s into lines of n characters joined by CRLF and indent.
func fold(s string, n int, indent string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteString("\r\n" + indent)
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

func TestParseEscapes(t *testing.T) {
	tests := []struct {
		name, prop string
		get        func(Card) string
		want       string
	}{
		{"escaped semicolon in N", `N:O\;Brien;Pat;;;`, func(c Card) string { return c.LastName }, "O;Brien"},
		{"backslash before a separator", `N:Back\\;Slash;;;`, func(c Card) string { return c.LastName + "|" + c.FirstName }, `Back\|Slash`},
		{"escaped comma", `FN:Lee\, Ann`, func(c Card) string { return c.FormattedName }, "Lee, Ann"},
		{"escaped newline", `TITLE:Head\nof sales`, func(c Card) string { return c.Title }, "Head\nof sales"},
		{"upper-case N escape", `TITLE:a\Nb`, func(c Card) string { return c.Title }, "a\nb"},
		{"escaped colon", `TITLE:a\:b`, func(c Card) string { return c.Title }, "a:b"},
		{"lone backslash", `TITLE:C:\Users\x`, func(c Card) string { return c.Title }, `C:\Users\x`},
		{"trailing backslash", `TITLE:end\`, func(c Card) string { return c.Title }, `end\`},
		{"escaped semicolon in ORG", `ORG:Smith\; Sons;Sales`, func(c Card) string { return c.Company }, "Smith; Sons"},
		{"quoted parameter with colon", `TEL;X-LABEL="a:b;c";TYPE=work:+44 20 7946 0958`, func(c Card) string { return c.Phones[0].Number + " " + strings.Join(c.Phones[0].Types, ",") }, "442079460958 work"},
		{"quoted type list", `TEL;TYPE="WORK,FAX":+44 20 7946 0958`, func(c Card) string { return strings.Join(c.Phones[0].Types, ",") }, "work,fax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse(strings.NewReader("BEGIN:VCARD\nVERSION:3.0\n" + tt.prop + "\nEND:VCARD\n"))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, tt.want, tt.get(cards[0]))
		})
	}
}

func TestParseIgnoresLinesThatAreNotProperties(t *testing.T) {
	text := "Here is my contact: see below\n" +
		"BEGIN:VCARD\n" +
		"# a comment line\n" +
		"just words\n" +
		"=D0=9F: stray QP\n" +
		"FN:Ann Lee\n" +
		"END:VCARD\n" +
		"TEL:+44 7911 123456\n" + // outside any card
		"END:VCARD\n" // an END with no card open
	cards, err := Parse(strings.NewReader(text))
	require.NoError(t, err)
	require.Len(t, cards, 1)
	assert.Equal(t, Card{FormattedName: "Ann Lee", FirstName: "Ann", LastName: "Lee"}, cards[0])
}

func TestParseNestingIsBounded(t *testing.T) {
	text := strings.Repeat("BEGIN:VCARD\nFN:x\n", 100) + strings.Repeat("END:VCARD\n", 100)
	cards, err := Parse(strings.NewReader(text))
	require.NoError(t, err)
	assert.Len(t, cards, maxNesting)
}
