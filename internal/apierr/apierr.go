// Package apierr holds what the providers' API errors share: the shape of
// their text, the shortening of a server's message, and the error of a
// request a client refuses to send. Each provider keeps its own exported
// APIError and sentinels; their statuses and bodies differ.
package apierr

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
