package contactcard

import (
	"strings"

	"github.com/emersion/go-vcard"
	"github.com/nyaruka/phonenumbers"
)

// builder turns the cards go-vcard read from the pre-pass's text into Cards,
// counting the phones it normalizes against the cap.
type builder struct {
	cfg        *config
	normalized int // phones normalized so far
	scans      int // grouping scans left (see contradicted)
}

func (b *builder) card(vc vcard.Card) Card {
	var c Card
	c.FormattedName = strings.TrimSpace(unescape(firstValue(vc, vcard.FieldFormattedName)))
	if f := vc.Get(vcard.FieldName); f != nil {
		var n [5]string
		splitStructured(f.Value, n[:])
		c.LastName, c.FirstName, c.MiddleName, c.Prefix, c.Suffix = n[0], n[1], n[2], n[3], n[4]
	}
	if f := vc.Get(vcard.FieldOrganization); f != nil {
		var org [1]string
		splitStructured(f.Value, org[:])
		c.Company = org[0]
	}
	c.Title = strings.TrimSpace(unescape(firstValue(vc, vcard.FieldTitle)))
	for _, f := range vc[vcard.FieldEmail] {
		if v := strings.TrimSpace(unescape(f.Value)); v != "" {
			c.Emails = append(c.Emails, v)
		}
	}
	if c.FirstName == "" && c.MiddleName == "" && c.LastName == "" && !isCompanyCard(&c, vc) {
		namesFromFN(&c)
	}
	b.phones(&c, vc)
	c.FormattedName = formattedName(&c)
	return c
}

// phones adds a Phone for every TEL of vc, and for every number of a TEL
// that holds several. The numbers that carry their country code (and the
// WhatsApp ids) are read first: their regions are evidence for the numbers
// written without one, which are read next, with the country of the card's
// address. A TEL is merged into an earlier phone only when it is the same
// number (see mergeKey); one that failed is never merged.
func (b *builder) phones(c *Card, vc vcard.Card) {
	tels := vc[vcard.FieldTelephone]
	if len(tels) == 0 {
		return
	}
	labels := vc["X-ABLABEL"]
	phones := make([]Phone, 0, len(tels))
	var national []int // indexes of the phones to read with the card's clues
	cl := clues{scans: b.scans}
	defer func() { b.scans = cl.scans }()
	for _, f := range tels {
		raw := strings.TrimSpace(unescape(f.Value))
		if raw == "" {
			continue
		}
		tmpl := Phone{Raw: raw, WAID: f.Params.Get("WAID"), Label: groupLabel(labels, f.Group)}
		tmpl.Types, tmpl.Preferred = phoneTypes(f.Params)
		for _, part := range splitNumbers(raw) {
			p := tmpl
			p.Raw = part
			if b.first(&p) {
				if p.Number != "" {
					cl.addNumber(p.Region)
				}
			} else {
				national = append(national, len(phones))
			}
			phones = append(phones, p)
		}
	}
	if len(national) > 0 {
		cl.addAddresses(vc)
		for _, i := range national {
			p := &phones[i]
			r, err := b.cfg.norm.read(p.Raw, &cl)
			p.setReading(r, err)
		}
	}
	var m merger
	for _, p := range phones {
		m.add(c, p)
	}
}

// first reads p when it needs no evidence of its card: it is over the cap
// of phones, it has a WhatsApp id, or it carries its country code. It
// reports false, reading nothing, for a number written without one.
func (b *builder) first(p *Phone) bool {
	b.normalized++
	if b.normalized > b.cfg.maxPhones {
		p.Err = &PhoneError{Raw: p.Raw, Reason: "over the cap of phones per input", Err: ErrPhoneLimit}
		return true
	}
	if p.WAID != "" {
		if r, err := b.cfg.norm.acceptWAID(p.WAID); err == nil {
			p.setReading(r, nil)
			return true
		}
	}
	if !carriesCountryCode(p.Raw) {
		return false
	}
	r, err := b.cfg.norm.read(p.Raw, nil)
	p.setReading(r, err)
	return true
}

// carriesCountryCode reports whether a phone value is written with its
// country code: with "+" or "00", or as a tel: URI with a phone-context.
func carriesCountryCode(raw string) bool {
	s, rest := cutPhone(raw)
	return s != "" && (s[0] == '+' || phoneContext(raw, rest) != "")
}

// setReading fills in the number, its region and evidence, or the error.
func (p *Phone) setReading(r reading, err error) {
	p.Number, p.Region, p.RegionFrom, p.Err = r.digits, r.region, r.from, err
}

// merger adds phones to a card, merging each into an earlier phone that is
// the same number.
type merger struct {
	keys  []string       // mergeKey of each phone of the card, "" for none
	index map[string]int // key → index in the card's phones, once there are many
}

// maxScan is how many phones merger compares one by one before it indexes
// them, so that a card of a thousand TELs costs no square of that.
const maxScan = 8

// add appends p to c.Phones, or merges it into the earlier phone with its
// mergeKey: that one takes p's types it lacks, p's preference, and p's
// label and WAID where it has none. Its Raw stays the one written first.
func (m *merger) add(c *Card, p Phone) {
	key := mergeKey(p)
	i := -1
	switch {
	case key == "":
	case m.index != nil:
		if j, ok := m.index[key]; ok {
			i = j
		}
	default:
		for j, k := range m.keys {
			if k == key {
				i = j
				break
			}
		}
	}
	if i >= 0 {
		q := &c.Phones[i]
		q.Preferred = q.Preferred || p.Preferred
		for _, t := range p.Types {
			if !q.HasType(t) {
				q.Types = append(q.Types, t)
			}
		}
		if q.Label == "" {
			q.Label = p.Label
		}
		if q.WAID == "" {
			q.WAID = p.WAID
		}
		return
	}
	c.Phones = append(c.Phones, p)
	m.keys = append(m.keys, key)
	switch {
	case m.index == nil && len(m.keys) > maxScan:
		m.index = make(map[string]int, len(m.keys)*2)
		for j, k := range m.keys {
			if k != "" {
				m.index[k] = j
			}
		}
	case m.index != nil && key != "":
		m.index[key] = len(c.Phones) - 1
	}
}

// mergeKey returns the key under which a phone merges with the others of its
// card, or "" when it must not merge with any. Two TELs are one phone only
// when they are the same number: both normalized, to the same Number, and
// the digits after the number (an extension, a pause, a second number) are
// the same in both. So "+7 900 765-43-21", "8 900 765-43-21" and a WhatsApp
// TEL of waid 79007654321 are one phone, as are one value listed as CELL
// and as WORK; "+7 495 123-45-67 ext 12" and "+7 495 123-45-67 ext 13" are
// two. A phone that failed has no key: two TELs that fail stay two phones,
// each with its own Raw, types and Err, even when they are written alike,
// since nothing says they are one number.
func mergeKey(p Phone) string {
	if p.Err != nil || p.Number == "" {
		return ""
	}
	_, rest := cutPhone(p.Raw)
	return p.Number + "\x00" + phonenumbers.NormalizeDigitsOnly(rest)
}

// phoneTypes returns the TYPE values in lower case without "pref", and
// whether the phone is preferred (TYPE=pref, a bare PREF, or PREF=n).
func phoneTypes(params vcard.Params) (types []string, preferred bool) {
	preferred = len(params[vcard.ParamPreferred]) > 0
	for _, t := range params.Types() {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
		case t == "pref":
			preferred = true
		default:
			dup := false
			for _, have := range types {
				dup = dup || have == t
			}
			if !dup {
				types = append(types, t)
			}
		}
	}
	return types, preferred
}

// groupLabel returns the X-ABLabel of a group, with Apple's built-in labels
// ("_$!<Mobile>!$_") read as their words.
func groupLabel(labels []*vcard.Field, group string) string {
	if group == "" {
		return ""
	}
	for _, l := range labels {
		if strings.EqualFold(l.Group, group) {
			v := strings.TrimSpace(unescape(l.Value))
			if strings.HasPrefix(v, "_$!<") && strings.HasSuffix(v, ">!$_") {
				v = v[len("_$!<") : len(v)-len(">!$_")]
			}
			return v
		}
	}
	return ""
}

// isCompanyCard reports whether a card stands for an organization: Apple
// marks it with X-ABShowAs:COMPANY and writes the company as FN.
func isCompanyCard(c *Card, vc vcard.Card) bool {
	return (c.Company != "" && c.FormattedName == c.Company) ||
		strings.EqualFold(strings.TrimSpace(firstValue(vc, "X-ABSHOWAS")), "COMPANY")
}

// namesFromFN gives a card without names the ones in its FN: one word is a
// first name; two are first and last; more put the words between them into
// the middle name.
func namesFromFN(c *Card) {
	words := strings.Fields(c.FormattedName)
	switch len(words) {
	case 0:
	case 1:
		c.FirstName = words[0]
	default:
		c.FirstName, c.LastName = words[0], words[len(words)-1]
		c.MiddleName = strings.Join(words[1:len(words)-1], " ")
	}
}

// formattedName returns FN as it should read: the card's own, else its names
// in order, else its company.
func formattedName(c *Card) string {
	if c.FormattedName != "" {
		return c.FormattedName
	}
	var parts []string
	for _, p := range [...]string{c.Prefix, c.FirstName, c.MiddleName, c.LastName, c.Suffix} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return c.Company
	}
	return strings.Join(parts, " ")
}

func firstValue(vc vcard.Card, key string) string {
	for _, f := range vc[key] {
		if f.Value != "" {
			return f.Value
		}
	}
	return ""
}
