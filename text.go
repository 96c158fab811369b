package cardbot

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrTextTooLong means a text is longer than the provider takes. Providers
// refuse such a text before any request with an error that matches it and
// holds a *TextTooLongError; Context.SendSplit sends it in parts instead.
var ErrTextTooLong = errors.New("cardbot: text over the provider's limit")

// TextLimit is a provider's bound on the length of a text message.
type TextLimit struct {
	// Max is the longest text the provider takes, in the unit below.
	Max int
	// UTF16 says the provider counts UTF-16 code units (Aitu); otherwise
	// it counts characters (Unicode code points: GREEN-API).
	UTF16 bool
}

// TextLimiter is implemented by providers that state how long a text they
// send may be; Context.SendSplit uses it.
type TextLimiter interface {
	TextLimit() TextLimit
}

// Length returns the length of s as the provider counts it.
func (l TextLimit) Length(s string) int {
	n, _ := l.fit(s, -1)
	return n
}

// Check returns a *TextTooLongError (ErrTextTooLong) when s is longer than
// l.Max, else nil. A Max of zero or less is no limit.
func (l TextLimit) Check(s string) error {
	if l.Max <= 0 {
		return nil
	}
	if _, ok := l.fit(s, l.Max); ok {
		return nil
	}
	return &TextTooLongError{Length: l.Length(s), Limit: l}
}

// fit walks s while its length stays within max (all of s when max < 0).
// It returns the length walked when ok (all of s fits), else the byte
// offset where the text stops fitting.
func (l TextLimit) fit(s string, max int) (int, bool) {
	n := 0
	for i, r := range s {
		w := 1
		if l.UTF16 && r >= 0x10000 {
			w = 2
		}
		if max >= 0 && n+w > max {
			return i, false
		}
		n += w
	}
	return n, true
}

// TextTooLongError is the error of a text longer than a provider takes. It
// matches ErrTextTooLong.
type TextTooLongError struct {
	// Length is the text's length, in Limit's unit.
	Length int
	// Limit is the provider's bound.
	Limit TextLimit
}

// Error says how long the text is and the limit.
func (e *TextTooLongError) Error() string {
	unit := "characters"
	if e.Limit.UTF16 {
		unit = "UTF-16 code units"
	}
	return fmt.Sprintf("%v: %d %s, the limit is %d", ErrTextTooLong, e.Length, unit, e.Limit.Max)
}

// Unwrap returns ErrTextTooLong.
func (e *TextTooLongError) Unwrap() error { return ErrTextTooLong }

// SplitText cuts text into parts that each fit limit: at the last line end
// within the limit, else at the last space, else between two characters.
// The white space at a cut is dropped, and parts that would be only white
// space are left out. A text that fits, or a limit of zero or less, gives
// the text whole. It takes time linear in the text's length.
func SplitText(text string, limit TextLimit) []string {
	if limit.Max <= 0 {
		return []string{text}
	}
	if _, ok := limit.fit(text, limit.Max); ok {
		return []string{text}
	}
	var parts []string
	rest := text
	for rest != "" {
		cut, ok := limit.fit(rest, limit.Max)
		if ok {
			cut = len(rest)
		} else if i := strings.LastIndexByte(rest[:cut], '\n'); i > 0 {
			cut = i + 1
		} else if i := strings.LastIndexFunc(rest[:cut], unicode.IsSpace); i > 0 {
			cut = i + 1
		}
		if cut == 0 { // a first character over the limit on its own
			_, size := firstRune(rest)
			cut = size
		}
		if part := strings.TrimRightFunc(rest[:cut], unicode.IsSpace); strings.TrimSpace(part) != "" {
			parts = append(parts, part)
		}
		rest = strings.TrimLeftFunc(rest[cut:], unicode.IsSpace)
	}
	return parts
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// SendSplit sends text to the update's chat, in several messages when it is
// longer than the provider takes (TextLimiter; see SplitText for where it
// is cut). A provider that states no limit gets it whole. Every part is a
// send that counts against Limits.MaxSends: when the parts are more than
// the sends left, it fails with ErrTooManySends before sending any. It
// stops at the first part that fails.
func (c *Context) SendSplit(text string) error {
	parts := []string{text}
	if l, ok := c.provider.(TextLimiter); ok {
		parts = SplitText(text, l.TextLimit())
	}
	if left := c.limits().MaxSends - c.sendCount; len(parts) > left {
		return fmt.Errorf("%w: %d parts, %d sends left (Limits.MaxSends)", ErrTooManySends, len(parts), max(left, 0))
	}
	for _, p := range parts {
		if err := c.Send(p); err != nil {
			return err
		}
	}
	return nil
}

// clip returns s cut to at most n characters (n ≥ 1), with "…" as the
// last one when it was cut: for the names of contacts and files in
// composed errors.
func clip(s string, n int) string {
	if _, ok := (TextLimit{}).fit(s, n); ok {
		return s
	}
	cut, _ := TextLimit{}.fit(s, n-1)
	return s[:cut] + "…"
}
