// Package apierr holds what the providers' API errors share: the shape of
// their text, the shortening of a server's message, and the error of a
// request a client refuses to send. Each provider keeps its own exported
// APIError and sentinels; their statuses and bodies differ.
package apierr

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMessage bounds a server's message kept in an error, in bytes.
const MaxMessage = 512

// Shorten trims s and cuts it to at most MaxMessage bytes on a rune
// boundary, marking the cut with "…".
func Shorten(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= MaxMessage {
		return s
	}
	cut := MaxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Text is what an API error says, in the order it says it.
type Text struct {
	Provider   string // "greenapi"
	Method     string // "sendMessage"
	Status     int    // HTTP status; 0 when no response came
	StatusText string // the status's name, "" for none
	Code       int    // a code from the body, shown when not Status
	Message    string // the server's message, shown when not StatusText
	RetryAfter string // the server's wait, shown when not ""
}

// String renders t: "greenapi: sendMessage: 429 Too Many Requests: slow
// down (retry after 2s)", or "… : request failed: <Message>" without a
// status.
func (t Text) String() string {
	var b strings.Builder
	b.WriteString(t.Provider)
	b.WriteString(": ")
	b.WriteString(t.Method)
	b.WriteString(": ")
	if t.Status == 0 {
		b.WriteString("request failed")
	} else {
		b.WriteString(strconv.Itoa(t.Status))
		if t.StatusText != "" {
			b.WriteByte(' ')
			b.WriteString(t.StatusText)
		}
	}
	if t.Code != 0 && t.Code != t.Status {
		fmt.Fprintf(&b, " (code %d)", t.Code)
	}
	if t.Message != "" && t.Message != t.StatusText {
		b.WriteString(": ")
		b.WriteString(t.Message)
	}
	if t.RetryAfter != "" {
		b.WriteString(" (retry after ")
		b.WriteString(t.RetryAfter)
		b.WriteByte(')')
	}
	return b.String()
}

// Refused is a request a client refuses to send: it matches Kind (the
// provider's ErrValidation) and the errors it carries.
type Refused struct {
	Provider string
	Kind     error
	Msg      string
	Errs     []error
}

// Error returns the provider and the reason.
func (e *Refused) Error() string { return e.Provider + ": " + e.Msg }

// Unwrap returns Kind and the errors carried.
func (e *Refused) Unwrap() []error { return append([]error{e.Kind}, e.Errs...) }

// RedirectMessage is the message of an error for a 3xx answer, which API
// clients do not follow: it names the host the answer pointed at, never
// its path or query (which may repeat a token).
func RedirectMessage(resp *http.Response) string {
	const msg = "redirect not followed"
	loc, err := resp.Location()
	if err != nil || loc.Hostname() == "" {
		return msg
	}
	return msg + " (to host " + Shorten(loc.Hostname()) + ")"
}

// Class is a kind of failure, as far as the providers' APIs agree on what
// a status means. Each provider maps the classes to its own sentinels,
// and may judge a status of its own (GREEN-API's 466) before.
type Class uint8

// Classes of failures.
const (
	Other        Class = iota // a status the providers give no meaning
	Unauthorized              // 401, 403
	Redirected                // 3xx, which the clients do not follow
	Validation                // 400
	NotFound                  // 404
	Conflict                  // 409
	RateLimited               // 429
	Transient                 // 5xx but 501; a network error
	Permanent                 // a network error no retry can mend
)

// ClassOf returns the class of a failure with status, or of a network
// error (status 0) whose cause is cause: Permanent when cause has a
// method Permanent() bool that reports true (an unsafe download, a host
// that does not exist), else Transient.
func ClassOf(status int, cause error) Class {
	switch {
	case status == 0:
		var p interface{ Permanent() bool }
		if errors.As(cause, &p) && p.Permanent() {
			return Permanent
		}
		return Transient
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return Unauthorized
	case status >= 300 && status < 400:
		return Redirected
	case status == http.StatusBadRequest:
		return Validation
	case status == http.StatusNotFound:
		return NotFound
	case status == http.StatusConflict:
		return Conflict
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status >= 500 && status != http.StatusNotImplemented:
		return Transient
	}
	return Other
}

// Render is the text of a provider's API error: t, with the status's name
// from statusText (http.StatusText when nil) and the wait when
// retryAfter is positive.
func Render(t Text, statusText func(int) string, retryAfter time.Duration) string {
	if statusText == nil {
		statusText = http.StatusText
	}
	if t.Status != 0 {
		t.StatusText = statusText(t.Status)
	}
	if retryAfter > 0 {
		t.RetryAfter = retryAfter.String()
	}
	return t.String()
}

// Refusals returns the two ways a provider makes the error of a request
// it refuses to send, which matches kind (its ErrValidation): with a
// message and the errors it carries, or formatted.
func Refusals(provider string, kind error) (refused func(msg string, errs ...error) error, invalid func(format string, args ...any) error) {
	refused = func(msg string, errs ...error) error {
		return &Refused{Provider: provider, Kind: kind, Msg: msg, Errs: errs}
	}
	invalid = func(format string, args ...any) error { return refused(fmt.Sprintf(format, args...)) }
	return refused, invalid
}

// Unsendable is the error of an Outgoing a provider cannot send: nil, or
// of a type it does not know. invalid is the provider's (see Refusals).
func Unsendable(invalid func(format string, args ...any) error, out any) error {
	if out == nil {
		return invalid("send of a nil Outgoing")
	}
	return invalid("cannot send a %T", out)
}
