package contactcard

import (
	"fmt"
	"io"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// Defaults of a zero Parser, which Parse uses.
const (
	// DefaultRegion is the region national numbers are read in (trunk
	// prefix 8: "8 900 123-45-67" is +7 900 123-45-67).
	DefaultRegion = "RU"
	// DefaultMinDigits and DefaultMaxDigits are the providers' length rule:
	// 11 or 12 international digits.
	DefaultMinDigits = 11
	DefaultMaxDigits = 12
	// DefaultMaxBytes caps the input of one Parse call: 4 MiB.
	DefaultMaxBytes = 4 << 20
	// DefaultMaxPhones caps how many phone values one Parse call normalizes.
	DefaultMaxPhones = 10000
	// DefaultFallbackCharset decodes text that is not valid UTF-8 and names
	// no CHARSET, in a card that names none either (old Windows exports in
	// Cyrillic).
	DefaultFallbackCharset = "windows-1251"
)

// Parser reads vCards with settings other than the defaults. The zero value
// uses the defaults; a Parser is safe for use by several goroutines as long
// as its fields are not changed.
type Parser struct {
	// Region is the default region: the ISO 3166 region ("RU", "KZ", "GB")
	// national numbers are read in when no address of their card states a
	// country, beside the regions of the card's other numbers (see Parse). DefaultRegion
	// when empty; "ZZ" for none, so that only the card's evidence counts.
	// A region phonenumbers does not know fails with ErrUnknownRegion.
	Region string

	// MinDigits and MaxDigits bound the length of a normalized number in
	// international digits; DefaultMinDigits and DefaultMaxDigits when zero.
	MinDigits, MaxDigits int

	// MaxBytes caps the input; DefaultMaxBytes when zero or less.
	MaxBytes int64

	// MaxPhones caps how many phone values are normalized, so that a file of
	// a million TEL lines costs no more than a few thousand; DefaultMaxPhones
	// when zero or less. Phones past the cap keep Raw and get ErrPhoneLimit.
	MaxPhones int

	// FallbackCharset decodes values that are not valid UTF-8 and name no
	// CHARSET, in cards that name no CHARSET on any property either (a
	// card's own CHARSET wins); DefaultFallbackCharset when empty. Any WHATWG encoding label
	// works ("windows-1251", "koi8-r", "windows-1252", "shift_jis").
	FallbackCharset string
}

// Parse reads every card in r with the default settings: region RU, numbers
// of 11–12 digits, input up to 4 MiB. See Parser.Parse.
func Parse(r io.Reader) ([]Card, error) {
	return Parser{}.Parse(r)
}

// Parse reads every card in r. The input may hold several cards and text
// around them; it may be UTF-8 (with or without BOM), UTF-16 with a BOM, or a
// legacy charset named by CHARSET parameters or p.FallbackCharset.
//
// Each card's phones are read with the card's own evidence of their
// region, as the package documentation describes: a phone's own country
// code first, then the country of the card's address, then the regions of
// the card's other numbers together with p.Region (the default region,
// which does not count against an address). A guess (the default region,
// the other numbers, an address format) that the way the number is
// written contradicts refuses it with ErrAmbiguousPhone.
//
// The error is nil when at least one card was read: problems within a card
// (a number that does not normalize, a truncated last card, a line that is
// not a property) are not fatal, and each phone's Err says why its number is
// empty. Parse fails on input with no card (ErrNoCard), over the size cap
// (ErrTooLarge), that is binary (ErrNotText: NUL bytes are allowed only in
// the binary values of photos, logos, sounds and keys), that cannot be read
// (the reader's error, wrapped), or when p names an unknown FallbackCharset.
func (p Parser) Parse(r io.Reader) ([]Card, error) {
	cfg, err := p.config()
	if err != nil {
		return nil, err
	}
	data, err := readInput(r, cfg.maxBytes)
	if err != nil {
		return nil, err
	}
	return cfg.parse(data)
}

// Normalize returns raw as international digits without "+" under p's region
// and length rule. See the package function Normalize.
func (p Parser) Normalize(raw string) (string, error) {
	n := p.normalizer()
	if err := CheckRegion(n.region); err != nil {
		return "", err
	}
	r, err := n.read(raw, nil)
	return r.digits, err
}

// Phone reads one phone value that comes without a card (a provider's
// contact given as fields, a number a user typed) under p's region and
// length rule, as Normalize does, and returns it as a Phone: Raw, and
// Number, Region and RegionFrom, or Err. With a Region phonenumbers does
// not know, Err wraps ErrUnknownRegion.
func (p Parser) Phone(raw string) Phone {
	ph := Phone{Raw: raw}
	n := p.normalizer()
	if err := CheckRegion(n.region); err != nil {
		ph.Err = &PhoneError{Raw: raw, Reason: err.Error(), Err: ErrUnknownRegion}
		return ph
	}
	r, err := n.read(raw, nil)
	ph.setReading(r, err)
	return ph
}

// Typed reads a phone number a person typed (a bot asked for one) as
// Phone does, with hints: regions the number is likelier to be in than
// the default region, such as the region of the sender's own number
// (RegionOfNumber). A number written without its country code is read in
// the hinted regions first (EvidenceHint) and in p.Region when it is a
// valid number in none of them; a hint that is no region phonenumbers
// knows is no hint. As in a card, a reading is refused with
// ErrAmbiguousPhone when the number is grouped the way other countries
// write numbers, not the way the region it is read in writes it, and two
// hinted regions that both read it refuse it too: the error asks for the
// number with its country code, which is what a bot should ask the person
// to type.
func (p Parser) Typed(raw string, hints ...string) Phone {
	ph := Phone{Raw: raw}
	n := p.normalizer()
	if err := CheckRegion(n.region); err != nil {
		ph.Err = &PhoneError{Raw: raw, Reason: err.Error(), Err: ErrUnknownRegion}
		return ph
	}
	var c clues
	for _, h := range hints {
		if h = strings.ToUpper(strings.TrimSpace(h)); h != "ZZ" && phonenumbers.GetCountryCodeForRegion(h) != 0 {
			c.hints = addRegion(c.hints, h)
		}
	}
	c.scans = maxGroupingScans
	r, err := n.read(raw, &c)
	ph.setReading(r, err)
	return ph
}

// RegionOfNumber returns the region of a number given as international
// digits without "+" ("79001234567" is "RU", "14165550123" "CA"), as
// providers give a sender's own number, or "" when the digits are no valid
// number. It is the hint Parser.Typed takes.
func RegionOfNumber(digits string) string {
	digits = strings.TrimPrefix(strings.TrimSpace(digits), "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(digits) > 17 {
		return ""
	}
	num := numberOfDigits(digits)
	if num == nil {
		return ""
	}
	region := phonenumbers.GetRegionCodeForNumber(num)
	if region == "" || !phonenumbers.IsValidNumberForRegion(num, region) {
		return ""
	}
	return region
}

// config is a Parser with its defaults filled in and its charset resolved.
type config struct {
	norm      normalizer
	maxBytes  int64
	maxPhones int
	fallback  encoding.Encoding
}

func (p Parser) normalizer() normalizer {
	n := normalizer{region: strings.ToUpper(p.Region), min: p.MinDigits, max: p.MaxDigits}
	if n.region == "" {
		n.region = DefaultRegion
	}
	if n.min <= 0 {
		n.min = DefaultMinDigits
	}
	if n.max <= 0 {
		n.max = DefaultMaxDigits
	}
	return n
}

func (p Parser) config() (*config, error) {
	c := &config{norm: p.normalizer(), maxBytes: p.MaxBytes, maxPhones: p.MaxPhones}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxBytes
	}
	if c.maxPhones <= 0 {
		c.maxPhones = DefaultMaxPhones
	}
	if err := CheckRegion(c.norm.region); err != nil {
		return nil, err
	}
	if c.norm.min > c.norm.max {
		return nil, fmt.Errorf("contactcard: MinDigits %d is over MaxDigits %d", c.norm.min, c.norm.max)
	}
	name := p.FallbackCharset
	if name == "" {
		c.fallback = charmap.Windows1251 // DefaultFallbackCharset, without a lookup of its name
		return c, nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return nil, fmt.Errorf("contactcard: unknown fallback charset %q: %w", name, err)
	}
	c.fallback = enc
	return c, nil
}

// CheckRegion reports whether region can be a default region: "" (none),
// "ZZ" (none), or an ISO 3166 code phonenumbers has numbering for ("RU",
// "kz"). It returns an error wrapping ErrUnknownRegion otherwise, so that a
// bot can refuse a bad setting when it starts rather than fail every number.
func CheckRegion(region string) error {
	r := strings.ToUpper(region)
	if r == "" || r == "ZZ" || phonenumbers.GetCountryCodeForRegion(r) != 0 {
		return nil
	}
	return fmt.Errorf("%w: %q is no ISO 3166 region with phone numbers", ErrUnknownRegion, region)
}
