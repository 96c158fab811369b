package contactcard

import (
	"bufio"
	"errors"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The public corpus is not part of this repository: it lies next to the
// work tree, in ../shared/corpus, with MANIFEST.tsv naming each file's
// origin. Tests that read it skip when it is absent.
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// corpusFiles returns the corpus's files as MANIFEST.tsv lists them, or
// skips the test when the corpus is absent.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("corpus absent (%v): run with ../shared/corpus next to the work tree", err)
	}
	require.NoError(t, err)
	defer f.Close()
	var files []string
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		if name, _, _ := strings.Cut(sc.Text(), "\t"); name != "" {
			files = append(files, name)
		}
	}
	require.NoError(t, sc.Err())
	return files
}

// scannedCard is what a plain line scan, independent of the parser, finds
// in one card of a file: its TEL values and its address lines.
type scannedCard struct {
	tels      []string // TEL values, unescaped, quoted-printable decoded, non-empty
	addresses []string // ADR and LABEL values, with their line breaks
}

// scanCards reads a vCard file the simple way: BOM and UTF-16 decoded,
// every line end made LF, folded lines and quoted-printable soft breaks
// joined, cards numbered in the order their BEGIN:VCARD lines come (a card
// nested in another comes after it), and only TEL, ADR and LABEL kept.
func scanCards(data []byte) []scannedCard {
	text, _, err := transform.String(unicode.BOMOverride(encoding.Nop.NewDecoder()), string(data))
	if err != nil {
		text = string(data)
	}
	text = strings.NewReplacer("\r\r\n", "\n", "\r\n", "\n", "\r", "\n").Replace(text)
	text = strings.NewReplacer("\n ", "", "\n\t", "").Replace(text)
	lines := strings.Split(text, "\n")

	var cards []scannedCard
	var open []int // the cards begun and not ended, innermost last
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		bare := strings.ToUpper(strings.Join(strings.Fields(line), ""))
		switch {
		case bare == "BEGIN:VCARD":
			cards = append(cards, scannedCard{})
			open = append(open, len(cards)-1)
			continue
		case bare == "END:VCARD":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
			continue
		case len(open) == 0:
			continue
		}
		head, value, ok := cutUnquoted(line, ':')
		if !ok {
			continue
		}
		qp := strings.Contains(strings.ToUpper(head), "QUOTED-PRINTABLE")
		for qp && strings.HasSuffix(value, "=") && i+1 < len(lines) {
			i++
			value = value[:len(value)-1] + lines[i]
		}
		if qp {
			if b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(value))); err == nil {
				value = string(b)
			}
		}
		name, _, _ := strings.Cut(head, ";")
		if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
			name = name[dot+1:]
		}
		c := &cards[open[len(open)-1]]
		switch strings.ToUpper(strings.TrimSpace(name)) {
		case "TEL":
			if v := strings.TrimSpace(scanUnescape(value)); v != "" {
				c.tels = append(c.tels, v)
			}
		case "ADR", "LABEL":
			c.addresses = append(c.addresses, scanUnescape(value))
		}
	}
	return cards
}

// cutUnquoted cuts s at the first sep outside double quotes (parameter
// values may quote a colon).
func cutUnquoted(s string, sep byte) (before, after string, found bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// scanUnescape undoes the escapes of a vCard text value, leaving ";" as
// it is: "\n" is a line break, "\," a comma, "\\" a backslash.
func scanUnescape(v string) string {
	return strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(v)
}
