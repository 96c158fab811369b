package contactcard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNamesFromFN(t *testing.T) {
	tests := []struct {
		name, props             string
		first, middle, last, fn string
	}{
		{"no N", "FN:Ann Lee", "Ann", "", "Lee", "Ann Lee"},
		{"empty N", "N:;;;;\nFN:Ли Мин", "Ли", "", "Мин", "Ли Мин"},
		{"three words", "FN:Mary Ann Lee", "Mary", "Ann", "Lee", "Mary Ann Lee"},
		{"four words", "FN:Anna Maria de Souza", "Anna", "Maria de", "Souza", "Anna Maria de Souza"},
		{"one word", "FN:山田太郎", "山田太郎", "", "", "山田太郎"},
		{"given name only in N", "N:;Office Reception;;;\nFN:Reception Desk", "Office Reception", "", "", "Reception Desk"},
		{"iOS company card", "N:;;;;\nFN:Acme Inc\nORG:Acme Inc;", "", "", "", "Acme Inc"},
		{"company by X-ABShowAs", "N:;;;;\nFN:Acme Sales\nORG:Acme Inc\nX-ABShowAs:COMPANY", "", "", "", "Acme Sales"},
		{"no FN: built from N", "N:Lee;Ann;Mary;Dr.;Jr.", "Ann", "Mary", "Lee", "Dr. Ann Mary Lee Jr."},
		{"no FN, no N: the company", "ORG:Acme Inc", "", "", "", "Acme Inc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cards, err := Parse(strings.NewReader("BEGIN:VCARD\nVERSION:3.0\n" + tt.props + "\nEND:VCARD\n"))
			require.NoError(t, err)
			require.Len(t, cards, 1)
			c := cards[0]
			assert.Equal(t, [4]string{tt.first, tt.middle, tt.last, tt.fn}, [4]string{c.FirstName, c.MiddleName, c.LastName, c.FormattedName})
		})
	}
}
