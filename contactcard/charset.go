package contactcard

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// charsets decodes values into UTF-8: by their CHARSET parameter, else, when
// they are not valid UTF-8, by the fallback charset. It remembers the last
// charset it looked up, since a card names the same one again and again.
type charsets struct {
	fallback encoding.Encoding
	lastName string
	last     encoding.Encoding
}

// decode returns v as UTF-8; the result may share memory with v.
func (cs *charsets) decode(v, charset []byte) []byte {
	if len(charset) > 0 && !isUTF8Label(charset) {
		if enc := cs.lookup(charset); enc != nil {
			if out, ok := cs.transform(enc, v); ok {
				return out
			}
		}
	}
	if isASCII(v) || utf8.Valid(v) {
		return v
	}
	if out, ok := cs.transform(cs.fallback, v); ok {
		return out
	}
	return v
}

func (cs *charsets) lookup(name []byte) encoding.Encoding {
	if cs.last != nil && equalFoldASCII(cs.lastName, string(name)) {
		return cs.last
	}
	enc, err := htmlindex.Get(string(name))
	if err != nil {
		return nil // an unknown charset: the value goes on as UTF-8 or fallback
	}
	cs.lastName, cs.last = string(name), enc
	return enc
}

func (cs *charsets) transform(enc encoding.Encoding, v []byte) ([]byte, bool) {
	if isASCII(v) {
		return v, true
	}
	out, err := enc.NewDecoder().Bytes(v)
	if err != nil {
		return nil, false
	}
	return out, true
}

func isUTF8Label(b []byte) bool {
	return isName(b, "UTF-8") || isName(b, "UTF8")
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
