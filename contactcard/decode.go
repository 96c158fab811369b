package contactcard

import (
	"bytes"
	"strings"

	"github.com/emersion/go-vcard"
)

// decodeClean reads the pre-pass's text into go-vcard's Card model. That
// text is the one grammar the pre-pass writes, so it is read here in one
// pass without go-vcard's Decoder (whose buffered reader, per-line strings
// and general grammar cost more than the whole of this): one card per
// BEGIN:VCARD … END:VCARD block, none nested; each property on one line as
// "group.NAME;KEY=v1,v2:value", its name in upper case, its parameter
// values made of characters that need no quoting, its value escaped for
// go-vcard's unescaping ("\\", "\n" and "\," undone, as unescapeClean
// does). A group may hold dots ("A.B"): the name is after the last one.
func decodeClean(text []byte, n int) []vcard.Card {
	cards := make([]vcard.Card, 0, n)
	var card vcard.Card
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			i = len(text)
		}
		line := text[:i]
		text = text[min(i+1, len(text)):]
		switch {
		case string(line) == "BEGIN:VCARD":
			card = make(vcard.Card, 8)
		case string(line) == "END:VCARD":
			if card != nil {
				cards = append(cards, card)
			}
			card = nil
		case card != nil:
			if key, f := decodeCleanLine(line); f != nil {
				card[key] = append(card[key], f)
			}
		}
	}
	return cards
}

// decodeCleanLine reads one property line of the pre-pass's text.
func decodeCleanLine(line []byte) (string, *vcard.Field) {
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return "", nil
	}
	header := line[:colon]
	f := &vcard.Field{Value: unescapeClean(line[colon+1:])}
	name := header
	var params []byte
	if i := bytes.IndexByte(header, ';'); i >= 0 {
		name, params = header[:i], header[i+1:]
	}
	if i := bytes.LastIndexByte(name, '.'); i >= 0 {
		f.Group, name = string(name[:i]), name[i+1:]
	}
	if len(params) > 0 {
		f.Params = make(vcard.Params, 2)
		for len(params) > 0 {
			var param []byte
			if i := bytes.IndexByte(params, ';'); i >= 0 {
				param, params = params[:i], params[i+1:]
			} else {
				param, params = params, nil
			}
			key, val, _ := bytes.Cut(param, []byte{'='})
			k := string(key)
			for len(val) > 0 {
				v := val
				if i := bytes.IndexByte(val, ','); i >= 0 {
					v, val = val[:i], val[i+1:]
				} else {
					val = nil
				}
				f.Params[k] = append(f.Params[k], string(v))
			}
		}
	}
	return string(name), f
}

// unescapeClean undoes the escapes go-vcard's decoder undoes: "\\" is "\",
// "\n" a line break and "\," a comma; every other backslash stays.
func unescapeClean(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v)
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case ',':
				b.WriteByte(',')
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
