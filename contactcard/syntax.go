package contactcard

import "bytes"

// headerEnd returns the index of the colon that ends a property's name and
// parameters, skipping colons inside double-quoted parameter values, or -1.
func headerEnd(l []byte) int {
	quoted := false
	for i, c := range l {
		switch c {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// splitHeader splits "group.NAME;params" into its parts. The group is
// everything before the name's last dot: vCard 2.1's grammar allows
// several ("A.B.TEL" is the TEL of group "A.B").
func splitHeader(h []byte) (group, name, params []byte) {
	name = h
	if i := bytes.IndexByte(h, ';'); i >= 0 {
		name, params = h[:i], h[i+1:]
	}
	if i := bytes.LastIndexByte(name, '.'); i >= 0 {
		group, name = name[:i], name[i+1:]
	}
	return group, name, params
}

// validGroup reports whether b is a group of one name or several joined
// by dots ("item1", "A.B").
func validGroup(b []byte) bool {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '.')
		if i < 0 {
			return validName(b)
		}
		if !validName(b[:i]) {
			return false
		}
		b = b[i+1:]
	}
	return false
}

// nextParam returns the parameter before the first ';' that is outside
// double quotes, and the rest.
func nextParam(s []byte) (param, rest []byte) {
	quoted := false
	for i, c := range s {
		switch c {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, nil
}

// validName reports whether b is a property or group name: letters, digits
// and '-', as RFC 6350 allows (underscores are tolerated too).
func validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isNameChar(c) {
			return false
		}
	}
	return true
}

func isNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// safeParamValue reports whether v can be written as a parameter value
// without quoting.
func safeParamValue(v []byte) bool {
	for _, c := range v {
		if !isNameChar(c) && c != '.' && c != '+' && c != '/' {
			return false
		}
	}
	return true
}

func isBlank(l []byte) bool {
	for _, c := range l {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// isVCard reports whether a BEGIN or END value is VCARD, ignoring case and
// surrounding spaces.
func isVCard(v []byte) bool {
	return isName(bytes.TrimSpace(v), "VCARD")
}

// isEndVCard reports whether l is an END:VCARD line, with or without a
// group ("item.END:VCARD").
func isEndVCard(l []byte) bool {
	return isBoundary(l, "END")
}

// isBoundary reports whether l is a BEGIN:VCARD or END:VCARD line (which
// says kind): its name may carry a group, as RFC 2426's grammar allows,
// and spaces around the name and the value.
func isBoundary(l []byte, kind string) bool {
	colon := bytes.IndexByte(l, ':')
	if colon < 0 || !isVCard(l[colon+1:]) {
		return false
	}
	_, name, _ := splitHeader(bytes.TrimSpace(l[:colon]))
	return isName(bytes.TrimSpace(name), kind)
}

// hasFoldPrefix reports whether b starts with the upper-case ASCII prefix,
// ignoring case.
func hasFoldPrefix(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if upperASCII(b[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// isName reports whether b equals the upper-case ASCII name, ignoring case.
func isName(b []byte, name string) bool {
	return len(b) == len(name) && hasFoldPrefix(b, name)
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func appendUpperASCII(out, b []byte) []byte {
	for _, c := range b {
		out = append(out, upperASCII(c))
	}
	return out
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if upperASCII(a[i]) != upperASCII(b[i]) {
			return false
		}
	}
	return true
}

func trimQuotes(v []byte) []byte {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// keptProperty reports whether a Card uses the property.
func keptProperty(name []byte) bool {
	for _, k := range keptNames {
		if isName(name, k) {
			return true
		}
	}
	return false
}

var keptNames = [...]string{"TEL", "FN", "N", "ORG", "TITLE", "EMAIL", "X-ABLABEL", "X-ABSHOWAS", "ADR", "X-ABADR", "LABEL"}

type valueEncoding int

const (
	encNone valueEncoding = iota
	encQP
	encBase64
)

// paramEncoding reads the ENCODING of raw parameters, written as
// ENCODING=x or as a bare vCard 2.1 token.
func paramEncoding(params []byte) valueEncoding {
	enc := encNone
	for len(params) > 0 {
		var param []byte
		param, params = nextParam(params)
		if key, val, ok := bytes.Cut(param, []byte{'='}); ok {
			if !isName(bytes.TrimSpace(key), "ENCODING") {
				continue
			}
			param = trimQuotes(bytes.TrimSpace(val))
		}
		switch {
		case isName(param, "QUOTED-PRINTABLE"):
			enc = encQP
		case isName(param, "BASE64"), isName(param, "B"):
			return encBase64
		}
	}
	return enc
}

// isEncodingWord reports whether a bare parameter names an encoding.
func isEncodingWord(w []byte) bool {
	for _, e := range [...]string{"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"} {
		if isName(w, e) {
			return true
		}
	}
	return false
}
