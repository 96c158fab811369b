package contactcard

import (
	"bytes"

	"golang.org/x/text/encoding"
)

// maxNesting bounds how deep cards may nest (vCard 2.1 AGENT). A BEGIN
// deeper than that is ignored, so hostile input cannot grow the stack.
const maxNesting = 8

// prepass rewrites raw vCard text into clean lines that go-vcard reads
// without loss, in one pass over the input:
//
//   - lines end in CRLF, LF, a lone CR or CR CR LF (iOS);
//   - folded lines are joined, and so are QUOTED-PRINTABLE soft line breaks;
//   - whitespace-only lines and text outside BEGIN:VCARD … END:VCARD are
//     skipped, BEGIN and END are matched without regard to case or spaces;
//   - only the properties a Card keeps are written: photos, sounds, keys,
//     base64 blocks (vCard 2.1 ends them with a blank line) and everything
//     else are skipped without being copied, so their size costs one scan;
//   - bare vCard 2.1 parameters become TYPE=, ENCODING and CHARSET are
//     applied to the value and dropped; text that is not UTF-8 and has no
//     charset of its own is decoded with the card's charset (see cardState)
//     or else the fallback charset;
//   - NUL bytes are allowed only in binary values (see binaryLine): input
//     with a NUL anywhere else is binary, and no card is returned of it;
//   - values are re-escaped so that go-vcard's unescaping keeps "\;" and
//     "\\" apart (see appendValue);
//   - a card nested in another is written after it, as a card of its own.
//
// Every line is scanned a constant number of times, so time and memory grow
// linearly with the input.
type prepass struct {
	charsets charsets

	out    []byte      // finished cards
	nested [][]byte    // cards begun inside an open card, in BEGIN order
	open   []int       // the open cards, innermost last: -1 is out, i is nested[i]
	state  []cardState // the state of each open card, as open
	cards  int         // how many cards were begun; 0 once the input is binary

	nul      bool // the input holds NUL bytes: lines are checked for them
	notText  bool // a NUL byte outside a binary value: the input is binary
	draining bool // emitting the lines a card held back (see cardState)

	inProp  bool   // a property is being read
	agent   bool   // … and it is an AGENT, whose value may be a card
	keep    bool   // … and it is assembled in prop: a Card keeps it, or
	pending bool   // … its header is not complete yet, so no one knows
	scanned int    // how far prop was searched for the header's end
	quoted  bool   // … and whether that search is inside quotes
	qp      bool   // the property is QUOTED-PRINTABLE
	soft    bool   // the last line ended in a QP soft line break
	base64  bool   // skipping the data lines of a base64 property
	prop    []byte // the logical line being assembled
	value   []byte // scratch for decoding a value
}

// cardState is what the pre-pass knows of one open card.
//
// A value that is not valid UTF-8 and has no charset of its own is decoded
// with the card's charset: the first CHARSET parameter of the card, on any
// property (kept or not), that names a known charset other than UTF-8.
// Outlook writes "N:M\xFCller" and "LABEL;CHARSET=Windows-1252:…" in one
// card. The declaration may come after the value, so the first value that
// needs it before it is known holds the card back: that line and every
// kept line after it are stored raw in lines and emitted in order when the
// card ends, with the card's charset or, if it declared none, the fallback.
// Each line is so stored and emitted at most once: time stays linear.
type cardState struct {
	enc      encoding.Encoding // the card's charset, nil until declared
	binary   bool              // a binary value (photo, base64 block) began
	indented bool              // its BEGIN line began with a space or tab
	held     bool              // kept lines are being held back in lines
	lines    []byte            // the raw lines held back, each ended by LF
}

func newPrepass(fallback encoding.Encoding, sizeHint int) *prepass {
	return &prepass{
		charsets: charsets{fallback: fallback},
		out:      make([]byte, 0, sizeHint/2),
	}
}

// run feeds every line of data to the pass and closes what is left open: a
// truncated last card keeps what was read.
func (p *prepass) run(data []byte) {
	p.nul = bytes.IndexByte(data, 0) >= 0
	nl := -1    // absolute index of the next LF at or after the current line
	crEnd := -1 // end of the latest run of CRs scanned: a run is scanned once
	for pos := 0; pos < len(data) && !p.notText; {
		if nl < pos {
			if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
				nl = pos + i
			} else {
				nl = len(data)
			}
		}
		end, next := nl, nl+1
		if cr := bytes.IndexByte(data[pos:nl], '\r'); cr >= 0 {
			end = pos + cr
			// CR LF and CR CR LF end one line; a CR followed by anything
			// else is a line end of its own (old Mac).
			// A run of CRs is scanned once, not once per CR, so that a
			// file of CRs only costs linear time.
			k := end
			if end < crEnd {
				k = crEnd // end is within the run scanned last
			} else {
				for k < len(data) && data[k] == '\r' {
					k++
				}
				crEnd = k
			}
			if k == nl {
				next = nl + 1
			} else {
				next = end + 1
			}
		}
		p.line(data[pos:end])
		pos = next
	}
	if p.notText {
		p.cards = 0
		return
	}
	p.flush()
	for len(p.open) > 0 {
		p.closeCard()
	}
}

// line takes one physical line, without its line end.
func (p *prepass) line(l []byte) {
	if p.nul {
		if z := bytes.IndexByte(l, 0); z >= 0 && !p.binaryLine(l[:z]) {
			if len(p.open) > 0 && p.card().binary {
				return // a piece of a binary value cut by its own LF or CR bytes
			}
			p.notText = true
			return
		}
	}
	if p.base64 {
		if isBlank(l) {
			p.base64 = false
			return
		}
		if bytes.IndexByte(l, ':') < 0 {
			return // base64 data
		}
		p.base64 = false
	}
	if p.soft {
		p.soft = false
		if !isEndVCard(l) {
			p.appendLine(l)
			return
		}
	}
	if isBlank(l) {
		p.flush()
		return
	}
	if l[0] == ' ' || l[0] == '\t' {
		if p.indentedBoundary(l) {
			return
		}
		if p.inProp {
			p.appendLine(l[1:])
		}
		return
	}
	p.flush()
	p.begin(l)
}

// binaryLine reports whether a line whose text before its first NUL byte
// is head begins a binary value within a card: a PHOTO, LOGO, SOUND or KEY,
// or a property declared base64, whose header ends before the NUL. kcontacts
// writes the raw bytes of a photo into a vCard 2.1 base64 property.
func (p *prepass) binaryLine(head []byte) bool {
	if len(p.open) == 0 || p.soft || len(head) == 0 || head[0] == ' ' || head[0] == '\t' {
		return false
	}
	colon := headerEnd(head)
	if colon < 0 {
		return false
	}
	_, name, params := splitHeader(head[:colon])
	return validName(name) && (binaryProperty(name) || paramEncoding(params) == encBase64)
}

// binaryProperty reports whether the property holds binary data.
func binaryProperty(name []byte) bool {
	return isName(name, "PHOTO") || isName(name, "LOGO") || isName(name, "SOUND") || isName(name, "KEY")
}

// begin starts a property (or a card, or the end of one) at line l.
func (p *prepass) begin(l []byte) {
	if isBoundary(l, "BEGIN") {
		p.openCard(false)
		return
	}
	if isBoundary(l, "END") {
		p.closeCard()
		return
	}
	colon := headerEnd(l)
	if len(p.open) == 0 {
		return // text outside the cards: skip it and what is folded into it
	}
	p.inProp = true
	p.prop = append(p.prop[:0], l...)
	if colon < 0 {
		// The header goes on in a folded line: keep assembling until it
		// ends, then decide (see appendLine).
		p.keep, p.pending, p.scanned = true, true, 0
		return
	}
	p.decide(colon)
}

// decide reads the complete header prop[:colon] of the property being read
// and settles whether it is kept, QUOTED-PRINTABLE or a base64 block.
func (p *prepass) decide(colon int) {
	p.pending = false
	group, name, params := splitHeader(p.prop[:colon])
	if !validName(name) || (len(group) > 0 && !validGroup(group)) {
		p.keep = false // not a property: skip it and what is folded into it
		return
	}
	st := p.card()
	if st.enc == nil && len(params) > 0 {
		st.enc = p.charsets.declared(paramCharset(params))
	}
	if binaryProperty(name) {
		st.binary = true
	}
	switch paramEncoding(params) {
	case encBase64:
		st.binary = true
		p.inProp, p.keep, p.base64 = false, false, true
		return
	case encQP:
		p.qp = true
	}
	p.keep = keptProperty(name)
	if !p.keep && isName(name, "AGENT") && len(p.open) < maxNesting {
		p.keep, p.agent = true, true
	}
	p.softBreak()
}

// appendLine adds a physical line to the property being read.
func (p *prepass) appendLine(l []byte) {
	if !p.keep {
		if p.qp && len(l) > 0 && l[len(l)-1] == '=' {
			p.soft = true
		}
		return
	}
	p.prop = append(p.prop, l...)
	if p.pending {
		if colon := p.headerEndFrom(); colon >= 0 {
			p.decide(colon)
		}
		return
	}
	p.softBreak()
}

// softBreak notes a QUOTED-PRINTABLE soft line break at the end of the
// assembled property and drops its "=".
func (p *prepass) softBreak() {
	if p.qp && len(p.prop) > 0 && p.prop[len(p.prop)-1] == '=' {
		p.soft = true
		p.prop = p.prop[:len(p.prop)-1]
	}
}

// headerEndFrom goes on looking for the end of a header that spans folded
// lines, from where the last look stopped, so that the header costs one
// scan however many lines it is folded into.
func (p *prepass) headerEndFrom() int {
	for ; p.scanned < len(p.prop); p.scanned++ {
		switch p.prop[p.scanned] {
		case '"':
			p.quoted = !p.quoted
		case ':':
			if !p.quoted {
				return p.scanned
			}
		}
	}
	return -1
}

// flush ends the property being read and writes it when it is kept.
func (p *prepass) flush() {
	if p.inProp && p.keep && !p.pending {
		if p.agent {
			card := p.agentText()
			p.reset()
			p.agentCard(card)
			return
		}
		p.emit(p.prop)
	}
	p.reset()
}

// reset forgets the property being read.
func (p *prepass) reset() {
	p.inProp, p.keep, p.pending, p.quoted, p.qp, p.soft, p.agent = false, false, false, false, false, false, false
}

// agentText returns the value of the AGENT property being read, unescaped,
// when it holds a card (RFC 2426 §3.5.4 escapes the agent's whole card
// into the value: "AGENT:BEGIN:VCARD\nFN:…\nEND:VCARD"), or nil. The text
// is a copy: reading it overwrites prop.
func (p *prepass) agentText() []byte {
	colon := headerEnd(p.prop)
	if colon < 0 {
		return nil
	}
	value := p.prop[colon+1:]
	if p.qp {
		p.value = decodeQP(p.value[:0], value)
		value = p.value
	}
	value = bytes.TrimLeft(value, " \t")
	if !hasFoldPrefix(value, "BEGIN:VCARD") && !hasFoldPrefix(value, "BEGIN\\:VCARD") {
		return nil
	}
	return unescapeAgent(value)
}

// agentCard reads the text of an agent's card as a card nested in the
// card being read, so that it is returned after it, and closes what the
// text left open.
func (p *prepass) agentCard(text []byte) {
	if text == nil {
		return
	}
	depth := len(p.open)
	for len(text) > 0 && !p.notText {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			i = len(text)
		}
		p.line(bytes.TrimSuffix(text[:i], []byte{'\r'}))
		text = text[min(i+1, len(text)):]
	}
	p.flush()
	p.base64 = false // a base64 block the text left open ends with it
	for len(p.open) > depth {
		p.closeCard()
	}
}

// unescapeAgent undoes the escapes of a text value: "\n" and "\N" are line
// breaks, "\\", "\,", "\;" and "\:" the character escaped.
func unescapeAgent(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case 'n', 'N':
				out = append(out, '\n')
				i++
				continue
			case '\\', ',', ';', ':':
				out = append(out, v[i+1])
				i++
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// indentedBoundary reads a line that starts with a space or tab as the
// BEGIN:VCARD it says, when it cannot be the fold of a property (none is
// being read, or no card is open), and as the END:VCARD it says when the
// card's own BEGIN was indented: files written by hand or cut out of a
// longer text indent their cards. It reports whether l was one of them.
func (p *prepass) indentedBoundary(l []byte) bool {
	t := bytes.TrimLeft(l, " \t")
	switch {
	case (!p.inProp || len(p.open) == 0) && isBoundary(t, "BEGIN"):
		p.flush()
		p.openCard(true)
		return true
	case len(p.open) > 0 && p.card().indented && isBoundary(t, "END"):
		p.flush()
		p.closeCard()
		return true
	}
	return false
}

// openCard begins a card; indented says its BEGIN line was.
func (p *prepass) openCard(indented bool) {
	if len(p.open) >= maxNesting {
		return
	}
	p.cards++
	p.pushState()
	p.card().indented = indented
	if len(p.open) == 0 {
		p.open = append(p.open, -1)
		p.out = append(p.out, "BEGIN:VCARD\n"...)
		return
	}
	p.nested = append(p.nested, []byte("BEGIN:VCARD\n"))
	p.open = append(p.open, len(p.nested)-1)
}

func (p *prepass) closeCard() {
	if len(p.open) == 0 {
		return
	}
	p.drain()
	p.write("END:VCARD\n")
	p.open = p.open[:len(p.open)-1]
	p.state = p.state[:len(p.state)-1]
	if len(p.open) == 0 {
		for _, card := range p.nested {
			p.out = append(p.out, card...)
		}
		p.nested = p.nested[:0]
	}
}

// pushState adds the state of a card just opened, reusing the memory of an
// earlier card's held lines.
func (p *prepass) pushState() {
	if len(p.state) < cap(p.state) {
		p.state = p.state[:len(p.state)+1]
		st := &p.state[len(p.state)-1]
		*st = cardState{lines: st.lines[:0]}
		return
	}
	p.state = append(p.state, cardState{})
}

// card returns the state of the innermost open card.
func (p *prepass) card() *cardState {
	return &p.state[len(p.state)-1]
}

// drain emits the lines the innermost open card held back, now that its
// charset is known as well as it will be.
func (p *prepass) drain() {
	st := p.card()
	if !st.held {
		return
	}
	p.draining = true
	for rest := st.lines; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		p.emit(rest[:i])
		rest = rest[i+1:]
	}
	p.draining = false
	st.held, st.lines = false, st.lines[:0]
}

// dst returns the text of the innermost open card.
func (p *prepass) dst() *[]byte {
	if i := p.open[len(p.open)-1]; i >= 0 {
		return &p.nested[i]
	}
	return &p.out
}

func (p *prepass) write(s string) {
	d := p.dst()
	*d = append(*d, s...)
}

// emit writes one kept property as a clean line: group, upper-case name,
// the parameters a Card uses, and the decoded value.
func (p *prepass) emit(line []byte) {
	st := p.card()
	if st.held && !p.draining {
		p.hold(st, line)
		return
	}
	colon := headerEnd(line)
	if colon < 0 {
		return // a name with no value
	}
	group, name, params := splitHeader(line[:colon])
	d := p.dst()
	out := *d
	if len(group) > 0 {
		out = append(out, group...)
		out = append(out, '.')
	}
	out = appendUpperASCII(out, name)

	var charset []byte
	qp := false
	for len(params) > 0 {
		var param []byte
		param, params = nextParam(params)
		key, val, hasValue := bytes.Cut(bytes.TrimSpace(param), []byte{'='})
		if !hasValue {
			// A vCard 2.1 bare parameter: an encoding, or a type.
			val = key
			if isEncodingWord(val) {
				qp = qp || isName(val, "QUOTED-PRINTABLE")
				continue
			}
			key = []byte("TYPE")
		}
		val = trimQuotes(val)
		switch {
		case isName(key, "ENCODING"):
			qp = qp || isName(val, "QUOTED-PRINTABLE")
		case isName(key, "CHARSET"):
			charset = val
		case isName(key, "TYPE"),
			isName(key, "PREF"),
			isName(key, "WAID"),
			isName(key, "VALUE"):
			out = appendParam(out, key, val)
		}
	}

	value := line[colon+1:]
	if qp {
		p.value = decodeQP(p.value[:0], value)
		value = p.value
	}
	value, ok := p.charsets.own(value, charset)
	if !ok {
		if st.enc == nil && !p.draining {
			// The card may name its charset further on: hold this line
			// and the rest of the card back until it ends. *d is left as
			// it was, so what was appended to out is dropped.
			p.hold(st, line)
			return
		}
		value = p.charsets.guess(value, st.enc)
	}
	out = append(out, ':')
	out = appendValue(out, value)
	out = append(out, '\n')
	*d = out
}

// hold stores a kept line of the card raw, to be emitted by drain. Lines
// hold no LF (run splits them there), so LF ends each.
func (p *prepass) hold(st *cardState, line []byte) {
	st.held = true
	st.lines = append(st.lines, line...)
	st.lines = append(st.lines, '\n')
}

// appendParam writes ";KEY=v1,v2" keeping only the values made of
// characters that need no quoting, so go-vcard reads them as written.
func appendParam(out, key, val []byte) []byte {
	start := len(out)
	out = append(out, ';')
	out = appendUpperASCII(out, key)
	out = append(out, '=')
	n := 0
	for _, v := range bytes.Split(val, []byte{','}) {
		v = bytes.TrimSpace(v)
		if len(v) == 0 || !safeParamValue(v) {
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, v...)
		n++
	}
	if n == 0 {
		return out[:start]
	}
	return out
}

// appendValue writes a value so that go-vcard's unescaping (which turns
// "\\" into "\", "\n" into a newline and "\," into ",", and leaves "\;"
// alone) yields a text in which exactly "\\" and "\;" remain escaped; the
// Card builder undoes those two, after splitting structured values on the
// unescaped ";". Raw line breaks (from QUOTED-PRINTABLE) become "\n"; "\N"
// is read as "\n" and "\:" as ":"; a backslash before any other character
// is a backslash.
func appendValue(out, v []byte) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\r':
			if i+1 < len(v) && v[i+1] == '\n' {
				i++
			}
			out = append(out, `\n`...)
		case '\n':
			out = append(out, `\n`...)
		case '\\':
			next := byte(0)
			if i+1 < len(v) {
				next = v[i+1]
			}
			switch next {
			case '\\':
				out = append(out, `\\\\`...)
				i++
			case 'n', 'N':
				out = append(out, `\n`...)
				i++
			case ',', ';':
				out = append(out, '\\', next)
				i++
			case ':':
				out = append(out, ':')
				i++
			default:
				out = append(out, `\\\\`...)
			}
		default:
			out = append(out, c)
		}
	}
	return out
}
