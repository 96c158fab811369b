package contactcard

// decodeQP appends the QUOTED-PRINTABLE decoding of v to out. It never
// fails: vCard writers produce lower-case hex, "=" before a line end that
// was already joined, and stray "=" signs, so a sequence that is not "="
// and two hex digits is kept as written. (mime/quotedprintable rejects such
// input, and its Reader costs a 4 KiB buffer per value.)
func decodeQP(out, v []byte) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '=' && i+2 < len(v) {
			hi, okHi := unhex(v[i+1])
			lo, okLo := unhex(v[i+2])
			if okHi && okLo {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
