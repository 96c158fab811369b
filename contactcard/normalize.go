package contactcard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Normalize returns one phone number as the international digits without
// "+" that providers accept ("8 (900) 123-45-67" under region "RU" is
// "79001234567"), or an error that wraps ErrInvalidPhone or ErrPhoneLength
// and says why. The length rule is DefaultMinDigits to DefaultMaxDigits;
// Parser.Normalize applies another.
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
// Then the number is parsed in defaultRegion (an ISO 3166 code such as "RU",
// "KZ", "GB"; with "" only numbers written internationally are read);
// digits without "+" that make no valid national number are tried once more
// as an international number ("380501234567" under "RU"). The number must be
// valid (an assigned range, the right number of digits for it), and only
// then is the length rule checked: "+65 6123 4567" is a valid number of 10
// digits and fails with ErrPhoneLength; "8 900 123 45 6" has 11 digits but
// is not valid and fails with ErrInvalidPhone.
func Normalize(raw, defaultRegion string) (string, error) {
	n := normalizer{region: strings.ToUpper(defaultRegion), min: DefaultMinDigits, max: DefaultMaxDigits}
	return n.normalize(raw)
}

// normalizer holds a region and a length rule.
type normalizer struct {
	region   string
	min, max int
}

func (n normalizer) normalize(raw string) (string, error) {
	s := cleanPhone(raw)
	if s == "" {
		return "", n.fail(raw, "", "no digits in it", ErrInvalidPhone)
	}
	return n.parse(raw, s)
}

// parse reads the cleaned number s; raw is for the error.
func (n normalizer) parse(raw, s string) (string, error) {
	intl := s[0] == '+'
	num, err := phonenumbers.Parse(s, n.region)
	valid := err == nil && phonenumbers.IsValidNumber(num)
	if !valid && !intl {
		if num2, err2 := phonenumbers.Parse("+"+s, ""); err2 == nil && phonenumbers.IsValidNumber(num2) {
			num, err, valid = num2, nil, true
		}
	}
	switch {
	case err != nil:
		return "", n.fail(raw, "", parseReason(err, intl, n.region), ErrInvalidPhone)
	case !valid:
		digits := e164Digits(num)
		return "", n.fail(raw, digits, fmt.Sprintf("+%s is not a valid number in any region", digits), ErrInvalidPhone)
	}
	digits := e164Digits(num)
	if len(digits) < n.min || len(digits) > n.max {
		return "", n.fail(raw, digits, lengthReason(digits, n.min, n.max), ErrPhoneLength)
	}
	return digits, nil
}

func (n normalizer) fail(raw, digits, reason string, kind error) error {
	return &PhoneError{Raw: raw, Digits: digits, Reason: reason, Err: kind}
}

// acceptWAID reports whether the digits of a WhatsApp id can stand as a
// number: WhatsApp assigned them, so they need only be digits that meet the
// length rule, even in ranges phonenumbers' metadata does not know.
func (n normalizer) acceptWAID(waid string) error {
	if waid == "" || strings.Trim(waid, "0123456789") != "" || waid[0] == '0' {
		return n.fail(waid, "", "a WhatsApp id must be digits of an international number", ErrInvalidPhone)
	}
	if len(waid) < n.min || len(waid) > n.max {
		return n.fail(waid, waid, lengthReason(waid, n.min, n.max), ErrPhoneLength)
	}
	return nil
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

func parseReason(err error, intl bool, region string) string {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode) && intl:
		return "no country has this calling code"
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode) && region == "":
		return "no country code, and no default region to read it in"
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return fmt.Sprintf("no country code, and not a number of region %s", region)
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short to be a phone number"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long to be a phone number"
	}
	return "not a phone number"
}
