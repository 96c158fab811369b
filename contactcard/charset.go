package contactcard

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// charsets decodes values into UTF-8: by their own CHARSET parameter; else,
// when they are not valid UTF-8, by the charset their card declares on
// another property (the pre-pass finds it, see cardState) or else by the
// fallback charset. It remembers the last charset it looked up, since a card
// names the same one again and again.
type charsets struct {
	fallback encoding.Encoding
	lastName string
	last     encoding.Encoding
}

// own returns v as UTF-8 when it can be read without a guess: decoded by
// its own charset, or as it is when it is valid UTF-8 (ASCII included). ok
// is false when v is neither, and guess must decode it. The result may
// share memory with v.
func (cs *charsets) own(v, charset []byte) (out []byte, ok bool) {
	if len(charset) > 0 && !isUTF8Label(charset) {
		if enc := cs.lookup(charset); enc != nil {
			if out, ok := cs.transform(enc, v); ok {
				return out, true
			}
		}
	}
	if isASCII(v) || utf8.Valid(v) {
		return v, true
	}
	return v, false
}

// guess returns v, which is not UTF-8, decoded with the card's charset enc,
// or with the fallback when enc is nil or fails; v itself when both fail.
func (cs *charsets) guess(v []byte, enc encoding.Encoding) []byte {
	if enc != nil {
		if out, ok := cs.transform(enc, v); ok {
			return out
		}
	}
	if out, ok := cs.transform(cs.fallback, v); ok {
		return out
	}
	return v
}

// declared returns the charset a CHARSET parameter names, when it can be a
// card's charset: a known charset other than UTF-8. Else it returns nil.
func (cs *charsets) declared(charset []byte) encoding.Encoding {
	if len(charset) == 0 || isUTF8Label(charset) {
		return nil
	}
	return cs.lookup(charset)
}

// paramCharset returns the value of the first CHARSET parameter among raw
// parameters, unquoted, or nil.
func paramCharset(params []byte) []byte {
	for len(params) > 0 {
		var param []byte
		param, params = nextParam(params)
		if key, val, ok := bytes.Cut(param, []byte{'='}); ok && isName(bytes.TrimSpace(key), "CHARSET") {
			return trimQuotes(bytes.TrimSpace(val))
		}
	}
	return nil
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
