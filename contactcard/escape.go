package contactcard

import "strings"

// The pre-pass writes values so that, after go-vcard's own unescaping, only
// "\\" and "\;" remain escaped (see appendValue). unescape and
// splitStructured undo those two.

// unescape turns "\\" into "\" and "\;" into ";".
func unescape(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && (v[i+1] == '\\' || v[i+1] == ';') {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// splitStructured splits a structured value (N, ORG) on the unescaped ";"
// into out, unescaping and trimming each component. Components past len(out)
// are dropped: N has five and a Card keeps only the first of ORG.
func splitStructured(v string, out []string) {
	for i := range out {
		end, next := componentEnd(v)
		out[i] = strings.TrimSpace(unescape(v[:end]))
		if next < 0 {
			return
		}
		v = v[next:]
	}
}

// componentEnd returns where the first component of v ends and where the
// next one starts, or -1 when it is the last.
func componentEnd(v string) (end, next int) {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case ';':
			return i, i + 1
		}
	}
	return len(v), -1
}
