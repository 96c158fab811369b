package contactcard

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Normalize returns one phone number as the international digits without
// "+" that providers accept ("8 (900) 123-45-67" under region "RU" is
// "79001234567"), or an error that wraps ErrInvalidPhone or ErrPhoneLength
// and says what was read, in which region, and why it failed. The length
// rule is DefaultMinDigits to DefaultMaxDigits; Parser.Normalize applies
// another.
//
// The value is cleaned first: invisible format characters (U+200E, U+202C,
// U+2069, U+FEFF, …) and surrounding space are dropped, a "tel:" URI is read
// as its number, words before and after the number ("mobile", "(моб.)") and
// an extension are cut off, and a leading "00" reads as "+". An extension is
// cut only where a mark says it is one: "ext 12", "ext. 12", "x12",
// "доб. 12", "#12", ";ext=12", a tel: URI's ";ext=12". A spaced dash is no
// such mark, since it also stands between the parts of a number: "+49
// (0611) 123456 - 11" is read whole, as the German direct-dial number +49
// 611 12345611, valid but of 13 digits, so it fails with ErrPhoneLength;
// "+44 20 7946 0958 - 2" is a digit too long to be British and fails with
// ErrInvalidPhone.
//
// A number written with its country code ("+", "00", a global tel: URI, a
// local one with a phone-context such as "+1-914-555") is read as such,
// whatever the region. A number written without one is read in
// defaultRegion (an ISO 3166 code such as "RU", "KZ", "GB"), and nowhere
// else: digits that are no number of that region are not tried as an
// international number, since most digits are a valid number somewhere
// (the Chinese mobile "13866192019" is also a valid +1 number in Florida).
// The error then says what they would be and that nothing points there.
// Digits that are a valid number of defaultRegion are refused with
// ErrAmbiguousPhone when they are grouped the way another country writes
// its numbers and not the way defaultRegion writes this one
// ("416-555-0123" in RU; see the package documentation).
// With defaultRegion "" or "ZZ" only numbers that carry their country code
// are read; a region phonenumbers does not know ("XX") fails with
// ErrUnknownRegion, which is no *PhoneError. Parser.Parse reads a card's
// national numbers with the evidence of the card (its address, its other
// numbers), as the package documentation describes.
//
// The number must be valid (an assigned range, the right number of digits
// for it), and only then is the length rule checked: "+65 6123 4567" is a
// valid number of 10 digits and fails with ErrPhoneLength; "8 900 123 45 6"
// has 11 digits but is not valid and fails with ErrInvalidPhone.
func Normalize(raw, defaultRegion string) (string, error) {
	if err := CheckRegion(defaultRegion); err != nil {
		return "", err
	}
	n := normalizer{region: strings.ToUpper(defaultRegion), min: DefaultMinDigits, max: DefaultMaxDigits}
	r, err := n.read(raw, nil)
	return r.digits, err
}

// normalizer holds a default region and a length rule.
type normalizer struct {
	region   string
	min, max int
}

// reading is a number that normalized: its digits, its region and what
// decided the region.
type reading struct {
	digits string
	region string
	from   Evidence
}

// clue is one region a national number may be read in, and why.
type clue struct {
	region string
	from   Evidence
}

// read normalizes raw, reading a national number with the clues of its
// card (nil when there is no card).
func (n normalizer) read(raw string, c *clues) (reading, error) {
	s, rest := cutPhone(raw)
	switch {
	case s == "":
		return reading{}, n.fail(raw, "", "no digits in it", ErrInvalidPhone)
	case s[0] == '+':
		return n.international(raw, s, EvidenceNumber)
	}
	if prefix := phoneContext(raw, rest); prefix != "" {
		return n.international(raw, "+"+prefix+phonenumbers.NormalizeDigitsOnly(s), EvidenceContext)
	}
	return n.national(raw, s, c)
}

// international reads s, which starts with "+".
func (n normalizer) international(raw, s string, from Evidence) (reading, error) {
	num, err := phonenumbers.Parse(digitsOnly(s), "ZZ")
	if err != nil {
		return reading{}, n.fail(raw, "", fmt.Sprintf("read with %s: %s", from, parseWhy(err, "")), ErrInvalidPhone)
	}
	region := phonenumbers.GetRegionCodeForNumber(num)
	if !phonenumbers.IsValidNumberForRegion(num, region) {
		digits := e164Digits(num)
		return reading{}, n.fail(raw, digits, fmt.Sprintf("read with %s as +%s, %s", from, digits, invalidWhy(num, "")), ErrInvalidPhone)
	}
	return n.accept(raw, e164Digits(num), region, from)
}

// national reads s, which has no country code, in the regions the
// evidence names, strongest first (see ranks). The first kind of evidence
// under which s is a valid number decides; two different valid numbers
// under one kind are refused.
func (n normalizer) national(raw, s string, c *clues) (reading, error) {
	ranks := n.ranks(c)
	if len(ranks) == 0 {
		return reading{}, n.fail(raw, "", "no country code, and no region to read it in"+internationalHint(s, nil), ErrInvalidPhone)
	}
	var tried []string
	var lastDigits string
	d := digitsOnly(s)
	for _, rank := range ranks {
		if len(rank) > maxClueRegions+1 {
			tried = append(tried, fmt.Sprintf("%s name %d regions, too many to tell which one it is in", rank[0].from, len(rank)))
			continue
		}
		var found []candidate
		for _, cl := range rank {
			num, err := phonenumbers.Parse(d, cl.region)
			if err != nil {
				tried = append(tried, fmt.Sprintf("in %s (%s): %s", cl.region, cl.from, parseWhy(err, cl.region)))
				continue
			}
			digits := e164Digits(num)
			region := phonenumbers.GetRegionCodeForNumber(num)
			if !phonenumbers.IsValidNumberForRegion(num, region) {
				lastDigits = digits
				tried = append(tried, fmt.Sprintf("in %s (%s) it reads as +%s, %s", cl.region, cl.from, digits, invalidWhy(num, cl.region)))
				continue
			}
			from := cl.from
			if int(num.GetCountryCode()) != phonenumbers.GetCountryCodeForRegion(cl.region) {
				from = EvidenceNumber // written with the region's international prefix ("810 44 …" in RU)
			}
			if !slices.ContainsFunc(found, func(f candidate) bool { return f.digits == digits }) {
				found = append(found, candidate{reading{digits: digits, region: region, from: from}, num, cl})
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			if f := found[0]; f.from.guess() {
				var budget *int
				if c != nil {
					budget = &c.scans
				}
				if others, ok := contradicted(s, f.num, f.region, budget); ok {
					return reading{}, n.ambiguous(raw, f, others)
				}
			}
			return n.accept(raw, found[0].digits, found[0].region, found[0].from)
		}
		return reading{}, n.ambiguousEvidence(raw, found)
	}
	why := strings.Join(tried, "; ")
	if c != nil && len(c.address) > 0 {
		why += "; a number without its country code is read only in the country its card's address names"
		if n.region != "" && n.region != "ZZ" {
			why += fmt.Sprintf(", not in the default region %s", n.region)
		}
	}
	if len(tried) > 1 {
		lastDigits = ""
	}
	return reading{}, n.fail(raw, lastDigits, why+internationalHint(s, ranks), ErrInvalidPhone)
}

// ranks returns the regions a national number may be read in, in the
// order of evidence: the countries the card's addresses name, and nothing
// else when they name one (a statement outranks every guess); else the
// regions of the card's address formats; then the regions of the card's
// numbers that carry their country code, with the default region beside
// them.
func (n normalizer) ranks(c *clues) [][]clue {
	if c != nil && len(c.address) > 0 {
		rank := make([]clue, len(c.address))
		for i, r := range c.address {
			rank[i] = clue{r, EvidenceAddress}
		}
		return [][]clue{rank}
	}
	var ranks [][]clue
	var last []clue
	if c != nil {
		if len(c.hints) > 0 {
			rank := make([]clue, len(c.hints))
			for i, r := range c.hints {
				rank[i] = clue{r, EvidenceHint}
			}
			ranks = append(ranks, rank)
		}
		if len(c.formats) > 0 {
			rank := make([]clue, len(c.formats))
			for i, r := range c.formats {
				rank[i] = clue{r, EvidenceAddressFormat}
			}
			ranks = append(ranks, rank)
		}
		for _, r := range c.numbers {
			last = append(last, clue{r, EvidenceCard})
		}
	}
	if n.region != "" && n.region != "ZZ" {
		dup := false
		for _, cl := range last {
			dup = dup || cl.region == n.region
		}
		if !dup {
			last = append(last, clue{n.region, EvidenceDefault})
		}
	}
	if len(last) > 0 {
		ranks = append(ranks, last)
	}
	return ranks
}

// accept checks a valid number against the length rule.
func (n normalizer) accept(raw, digits, region string, from Evidence) (reading, error) {
	if len(digits) < n.min || len(digits) > n.max {
		return reading{}, n.fail(raw, digits, lengthReason(digits, n.min, n.max), ErrPhoneLength)
	}
	return reading{digits: digits, region: region, from: from}, nil
}

func (n normalizer) fail(raw, digits, reason string, kind error) error {
	return &PhoneError{Raw: raw, Digits: digits, Reason: reason, Err: kind}
}

// acceptWAID reads the digits of a WhatsApp id as a number: WhatsApp
// assigned them, so they need only be digits that meet the length rule,
// even in ranges phonenumbers' metadata does not know.
func (n normalizer) acceptWAID(waid string) (reading, error) {
	if waid == "" || strings.Trim(waid, "0123456789") != "" || waid[0] == '0' {
		return reading{}, n.fail(waid, "", "a WhatsApp id must be digits of an international number", ErrInvalidPhone)
	}
	if len(waid) < n.min || len(waid) > n.max {
		return reading{}, n.fail(waid, waid, lengthReason(waid, n.min, n.max), ErrPhoneLength)
	}
	r := reading{digits: waid, from: EvidenceWAID}
	if num := numberOfDigits(waid); num != nil {
		if r.region = phonenumbers.GetRegionCodeForNumber(num); r.region == "" {
			r.region = phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
		}
	}
	return r, nil
}

// numberOfDigits returns the number whose international digits are
// digits, split into its calling code and national number as
// phonenumbers.Parse splits "+"+digits, without the cost of parsing text:
// the digits of a WhatsApp id are already the number's E.164 form. It
// returns nil when no calling code starts them.
func numberOfDigits(digits string) *phonenumbers.PhoneNumber {
	for n := 1; n <= 3 && n < len(digits); n++ {
		code, err := strconv.Atoi(digits[:n])
		if err != nil || phonenumbers.GetRegionCodeForCountryCode(code) == "ZZ" {
			continue
		}
		nsn := digits[n:]
		national, err := strconv.ParseUint(nsn, 10, 64)
		if err != nil {
			return nil
		}
		cc := int32(code)
		num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &national}
		if zeros := len(nsn) - len(strings.TrimLeft(nsn, "0")); zeros > 0 && len(nsn) > 1 {
			italian := true
			num.ItalianLeadingZero = &italian
			if zeros > 1 {
				z := int32(min(zeros, len(nsn)-1))
				num.NumberOfLeadingZeros = &z
			}
		}
		return num
	}
	return nil
}

// digitsOnly returns a number as cutPhone returns it ("8 (495) 123-45-67",
// "+7 900 123-45-67") as its ASCII digits, with its "+": phonenumbers reads
// both alike, and the shorter text costs its patterns less.
func digitsOnly(s string) string {
	if s != "" && s[0] == '+' {
		return "+" + phonenumbers.NormalizeDigitsOnly(s[1:])
	}
	return phonenumbers.NormalizeDigitsOnly(s)
}

// phoneContext returns the digits of a local tel: URI's phone-context when
// it is an international prefix ("tel:863-1234;phone-context=+1-914-555"
// gives "1914555"), or "".
func phoneContext(raw, rest string) string {
	if len(raw) < 4 || !equalFoldASCII(raw[:4], "tel:") {
		return ""
	}
	for _, param := range strings.Split(rest, ";") {
		name, value, ok := strings.Cut(param, "=")
		if ok && equalFoldASCII(strings.TrimSpace(name), "phone-context") {
			value = strings.TrimSpace(value)
			if strings.HasPrefix(value, "+") {
				return phonenumbers.NormalizeDigitsOnly(value)
			}
		}
	}
	return ""
}

// candidate is a valid reading of a national number, the number it
// parsed to, and the clue it was read under.
type candidate struct {
	reading
	num *phonenumbers.PhoneNumber
	by  clue
}

func e164Digits(num *phonenumbers.PhoneNumber) string {
	return strings.TrimPrefix(phonenumbers.Format(num, phonenumbers.E164), "+")
}

func lengthReason(digits string, min, max int) string {
	want := fmt.Sprintf("%d–%d", min, max)
	if min == max {
		want = fmt.Sprint(min)
	}
	return fmt.Sprintf("+%s has %d digits where %s are needed", digits, len(digits), want)
}

// guess reports whether the evidence is a guess that the way a number is
// written can contradict: the default region, the region of the card's
// other numbers, the card's address format.
func (e Evidence) guess() bool {
	return e == EvidenceDefault || e == EvidenceCard || e == EvidenceAddressFormat || e == EvidenceHint
}

// ambiguousEvidence refuses a number that one kind of evidence reads as
// two valid numbers.
func (n normalizer) ambiguousEvidence(raw string, found []candidate) error {
	var b strings.Builder
	b.WriteString("the evidence conflicts: ")
	var regions, forms []string
	for i, r := range found {
		if i > 0 {
			b.WriteString(", while ")
		}
		fmt.Fprintf(&b, "in %s (%s) it is +%s", r.by.region, r.by.from, r.digits)
		if r.region != r.by.region {
			fmt.Fprintf(&b, " of %s", r.region)
		}
		regions = addRegion(regions, r.region)
		forms = append(forms, phonenumbers.Format(r.num, phonenumbers.INTERNATIONAL))
	}
	b.WriteString("; write it with its country code: " + strings.Join(forms, " or "))
	return &PhoneError{Raw: raw, Reason: b.String(), Regions: regions, Err: ErrAmbiguousPhone}
}

// ambiguous refuses a number that a guess reads as f, but that is written
// the way numbers of other countries are written (others), not the way
// f's region writes it.
func (n normalizer) ambiguous(raw string, f candidate, others []foreignReading) error {
	var b strings.Builder
	regions := []string{f.region}
	forms := []string{phonenumbers.Format(f.num, phonenumbers.INTERNATIONAL)}
	fmt.Fprintf(&b, "read in %s (%s) it would be %s, but it is not written the way %s writes that number", f.by.region, f.by.from, forms[0], f.region)
	if len(others) > 0 {
		b.WriteString(": it is grouped the way ")
	}
	for i, o := range others {
		if i == maxListedReadings {
			if more := len(others) - i; more == 1 {
				b.WriteString(" and one more country")
			} else {
				fmt.Fprintf(&b, " and %d more countries", more)
			}
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		form := phonenumbers.Format(o.num, phonenumbers.INTERNATIONAL)
		fmt.Fprintf(&b, "%s writes %s", o.region, form)
		if !o.valid {
			b.WriteString(" (an unassigned number there)")
		}
		regions = addRegion(regions, o.region)
		forms = append(forms, form)
	}
	fmt.Fprintf(&b, ". Nothing on the card says which country it is in: write it with its country code, as %s", strings.Join(forms, " or "))
	return &PhoneError{Raw: raw, Reason: b.String(), Regions: regions, Err: ErrAmbiguousPhone}
}

// maxListedReadings is how many other countries' readings an ambiguous
// number's error lists.
const maxListedReadings = 3

// internationalHint says what the digits of s would be as an international
// number, when that is valid in a region no evidence named: the reading
// that Normalize no longer guesses.
func internationalHint(s string, ranks [][]clue) string {
	num, err := phonenumbers.Parse("+"+phonenumbers.NormalizeDigitsOnly(s), "ZZ")
	if err != nil {
		return ""
	}
	region := phonenumbers.GetRegionCodeForNumber(num)
	if !phonenumbers.IsValidNumberForRegion(num, region) {
		return ""
	}
	for _, rank := range ranks {
		for _, cl := range rank {
			if cl.region == region {
				return ""
			}
		}
	}
	return fmt.Sprintf("; as international digits it would be +%s in %s, but nothing points there (write it with + if that is meant)", e164Digits(num), region)
}

// invalidWhy says why a parsed number is not valid; region is where it was
// read, or "" for a number that carries its country code.
func invalidWhy(num *phonenumbers.PhoneNumber, region string) string {
	where := fmt.Sprintf("+%d", num.GetCountryCode())
	if region != "" && phonenumbers.GetCountryCodeForRegion(region) == int(num.GetCountryCode()) {
		where = region
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return fmt.Sprintf("but no country has the calling code %s", where)
	case phonenumbers.TOO_SHORT:
		return fmt.Sprintf("too few digits for a number of %s", where)
	case phonenumbers.TOO_LONG:
		return fmt.Sprintf("too many digits for a number of %s", where)
	case phonenumbers.INVALID_LENGTH:
		return fmt.Sprintf("but no number of %s has that many digits", where)
	}
	return fmt.Sprintf("which is in no range of numbers %s uses", where)
}

// parseWhy says why phonenumbers could not parse a value; region is where
// it was read, or "" for a number that carries its country code.
func parseWhy(err error, region string) string {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode) && region == "":
		return "no country has this calling code"
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode) && phonenumbers.GetCountryCodeForRegion(region) == 0:
		return fmt.Sprintf("%s is no region phonenumbers knows", region) // "001", of +800 numbers
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		// A region phonenumbers knows: the value dials out of it, with its
		// international prefix ("810" in RU), to a code no country has.
		return "it dials a calling code no country has"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short to be a phone number"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long to be a phone number"
	}
	return "not a phone number"
}
