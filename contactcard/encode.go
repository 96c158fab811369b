package contactcard

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxLineOctets is the longest line Encode writes, CRLF not counted
// (RFC 6350 §3.2 and RFC 2426 §2.6 ask for 75).
const maxLineOctets = 75

// Encode writes the cards as vCard 3.0 text that phones and mail clients
// import: CRLF line ends, values escaped ("\\", "\;", "\,", "\n"), and lines
// longer than 75 octets folded without splitting a UTF-8 sequence. A phone
// is written as "+" and its Number, or as its Raw value when it has no
// Number; types, the preferred flag, a label (as an item group with
// X-ABLabel) and a WhatsApp id are kept. N and FN are always written, as
// vCard 3.0 requires. Parse reads back the same names, company, title,
// numbers and e-mail addresses (less surrounding spaces, which it trims).
//
// The error is w's, wrapped; nothing is written when there are no cards.
func Encode(w io.Writer, cards ...Card) error {
	if len(cards) == 0 {
		return nil
	}
	var e encoder
	for i := range cards {
		e.card(&cards[i])
	}
	if _, err := w.Write(e.out); err != nil {
		return fmt.Errorf("contactcard: writing vCard: %w", err)
	}
	return nil
}

type encoder struct {
	out  []byte
	line []byte // the unfolded line being built
}

func (e *encoder) card(c *Card) {
	e.raw("BEGIN:VCARD")
	e.raw("VERSION:3.0")
	e.start("N:")
	for i, part := range [...]string{c.LastName, c.FirstName, c.MiddleName, c.Prefix, c.Suffix} {
		if i > 0 {
			e.line = append(e.line, ';')
		}
		e.line = appendEscaped(e.line, part)
	}
	e.end()
	e.text("FN", formattedName(c))
	if c.Company != "" {
		e.text("ORG", c.Company)
	}
	if c.Title != "" {
		e.text("TITLE", c.Title)
	}
	item := 0
	for _, p := range c.Phones {
		group := ""
		if p.Label != "" {
			item++
			group = "item" + strconv.Itoa(item) + "."
		}
		e.start(group + "TEL")
		e.types(p.Types, p.Preferred)
		if p.WAID != "" && strings.Trim(p.WAID, "0123456789") == "" {
			e.line = append(e.line, ";waid="...)
			e.line = append(e.line, p.WAID...)
		}
		e.line = append(e.line, ':')
		if p.Number != "" {
			e.line = append(e.line, '+')
			e.line = append(e.line, p.Number...)
		} else {
			e.line = appendEscaped(e.line, p.Raw)
		}
		e.end()
		if group != "" {
			e.text(group+"X-ABLabel", p.Label)
		}
	}
	for _, m := range c.Emails {
		e.text("EMAIL;TYPE=INTERNET", m)
	}
	e.raw("END:VCARD")
}

// types writes ";TYPE=CELL,VOICE,PREF" with the types made of letters,
// digits and '-' (anything else cannot be a parameter value unquoted).
func (e *encoder) types(types []string, preferred bool) {
	n := 0
	add := func(t string) {
		if n == 0 {
			e.line = append(e.line, ";TYPE="...)
		} else {
			e.line = append(e.line, ',')
		}
		e.line = append(e.line, strings.ToUpper(t)...)
		n++
	}
	for _, t := range types {
		if t != "" && validName([]byte(t)) && !strings.EqualFold(t, "pref") {
			add(t)
		}
	}
	if preferred {
		add("pref")
	}
}

// start begins a property line with name (and group); end folds and writes
// it.
func (e *encoder) start(name string) {
	e.line = append(e.line[:0], name...)
}

func (e *encoder) text(name, value string) {
	e.start(name)
	e.line = append(e.line, ':')
	e.line = appendEscaped(e.line, value)
	e.end()
}

func (e *encoder) raw(line string) {
	e.start(line)
	e.end()
}

// end writes the line folded: at most 75 octets per line, continuation
// lines starting with one space, no UTF-8 sequence split.
func (e *encoder) end() {
	l := e.line
	limit := maxLineOctets
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		e.out = append(e.out, l[:cut]...)
		e.out = append(e.out, "\r\n "...)
		l = l[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	e.out = append(e.out, l...)
	e.out = append(e.out, "\r\n"...)
}

// appendEscaped writes a text value with "\", ";", "," and line breaks
// escaped, and without the control characters vCard cannot carry (tab
// stays).
func appendEscaped(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == ';' || c == ',':
			out = append(out, '\\', c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			out = append(out, `\n`...)
		case c == '\n':
			out = append(out, `\n`...)
		case c < 0x20 && c != '\t', c == 0x7f:
		default:
			out = append(out, c)
		}
	}
	return out
}
