package contactcard

import (
	"errors"
	"fmt"
)

// Errors of Parse and Parser.Parse. They are returned wrapped; test them with
// errors.Is.
var (
	// ErrNoCard means the input holds no BEGIN:VCARD … END:VCARD block.
	ErrNoCard = errors.New("contactcard: no vCard in the input")

	// ErrTooLarge means the input is longer than the size cap
	// (DefaultMaxBytes unless Parser.MaxBytes says otherwise). Nothing of it
	// is returned.
	ErrTooLarge = errors.New("contactcard: input over the size cap")

	// ErrNotText means the input is binary data, not text in any encoding
	// vCards are written in.
	ErrNotText = errors.New("contactcard: input is not text")

	// ErrUnknownRegion means a default region (Parser.Region, Normalize's
	// defaultRegion) is no region phonenumbers has numbering for. See
	// CheckRegion.
	ErrUnknownRegion = errors.New("contactcard: unknown region")
)

// Errors of Normalize, found in Phone.Err. Test them with errors.Is; the
// *PhoneError that wraps them says why in words.
var (
	// ErrInvalidPhone means the value is not a phone number, or not a valid
	// number in any region (a digit missing or too many, an unassigned range).
	ErrInvalidPhone = errors.New("contactcard: invalid phone number")

	// ErrAmbiguousPhone means the number, written without its country
	// code, could be the number of more than one country, and nothing the
	// card states says which: the default region reads it as a valid
	// number, but it is grouped the way another country writes its numbers
	// ("416-555-0123", as North America writes them, read in RU), or the
	// card's evidence of one kind names two countries that both read it.
	// PhoneError.Regions names the countries; the number must be written
	// with its country code. It wraps ErrInvalidPhone, so errors.Is of
	// either is true.
	ErrAmbiguousPhone = fmt.Errorf("%w: it could be the number of more than one country", ErrInvalidPhone)

	// ErrPhoneLength means the number is valid but its international digits
	// do not meet the length rule (11–12 digits unless configured).
	ErrPhoneLength = errors.New("contactcard: phone number length not accepted")

	// ErrPhoneLimit means the input held more phone numbers than
	// Parser.MaxPhones; the rest keep their Raw value but are not normalized.
	ErrPhoneLimit = errors.New("contactcard: phone number limit reached")
)

// PhoneError says why one phone value could not be normalized. It wraps
// ErrInvalidPhone (or ErrAmbiguousPhone, which wraps it), ErrPhoneLength or
// ErrPhoneLimit, or ErrUnknownRegion when
// Parser.Phone was given no region to read it in.
type PhoneError struct {
	// Raw is the value as given.
	Raw string
	// Digits is the international number it read as, when it got that far
	// ("6561234567" for a valid Singapore number of 10 digits).
	Digits string
	// Reason says in words what is wrong ("not a valid number for any region").
	Reason string
	// Regions are the regions the number could be in, when Err is
	// ErrAmbiguousPhone ("RU", "CA").
	Regions []string
	// Err is the sentinel: ErrInvalidPhone, ErrAmbiguousPhone,
	// ErrPhoneLength, ErrPhoneLimit or ErrUnknownRegion.
	Err error
}

// Error returns a message that names the value and the reason.
func (e *PhoneError) Error() string {
	return fmt.Sprintf("%v: %q: %s", e.Err, e.Raw, e.Reason)
}

// Unwrap returns the sentinel error.
func (e *PhoneError) Unwrap() error { return e.Err }
