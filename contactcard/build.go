package contactcard

import (
	"strings"

	"github.com/emersion/go-vcard"
)

// builder turns the cards go-vcard read from the pre-pass's text into Cards,
// counting the phones it normalizes against the cap.
type builder struct {
	cfg        *config
	normalized int // phones normalized so far
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

// phones adds a Phone for every TEL of vc.
func (b *builder) phones(c *Card, vc vcard.Card) {
	tels := vc[vcard.FieldTelephone]
	if len(tels) == 0 {
		return
	}
	labels := vc["X-ABLABEL"]
	var seen map[string]int // key → index in c.Phones, once there are many
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
			b.normalize(&p)
			seen = addPhone(c, p, seen)
		}
	}
}

// normalize fills in p.Number or p.Err.
func (b *builder) normalize(p *Phone) {
	b.normalized++
	if b.normalized > b.cfg.maxPhones {
		p.Err = &PhoneError{Raw: p.Raw, Reason: "over the cap of phones per input", Err: ErrPhoneLimit}
		return
	}
	if p.WAID != "" {
		if p.Err = b.cfg.norm.acceptWAID(p.WAID); p.Err == nil {
			p.Number = p.WAID
			return
		}
	}
	p.Number, p.Err = b.cfg.norm.normalize(p.Raw)
}

// addPhone appends p unless a phone with the same number (or, for numbers
// that did not normalize, the same raw value) is there already; then it
// merges p into that one. seen indexes the phones once there are many, so
// that a card of a thousand TELs costs no square of that.
func addPhone(c *Card, p Phone, seen map[string]int) map[string]int {
	key := p.Number
	if key == "" {
		key = "\x00" + p.Raw
	}
	i := -1
	if seen != nil {
		if j, ok := seen[key]; ok {
			i = j
		}
	} else {
		for j := range c.Phones {
			if phoneKey(c.Phones[j]) == key {
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
		return seen
	}
	c.Phones = append(c.Phones, p)
	if seen == nil && len(c.Phones) > 8 {
		seen = make(map[string]int, len(c.Phones)*2)
		for j := range c.Phones {
			seen[phoneKey(c.Phones[j])] = j
		}
	} else if seen != nil {
		seen[key] = len(c.Phones) - 1
	}
	return seen
}

func phoneKey(p Phone) string {
	if p.Number != "" {
		return p.Number
	}
	return "\x00" + p.Raw
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
