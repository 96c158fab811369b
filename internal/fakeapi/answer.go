package fakeapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// MaxBody caps the request body a fake reads.
const MaxBody = 1 << 20

// Content types of answers.
const (
	ContentJSON = "application/json"
	ContentText = "text/plain; charset=utf-8"
)

// Answer is what a fake's handler responds.
type Answer struct {
	// Status is the HTTP status.
	Status int
	// Body is the body.
	Body []byte
	// ContentType is sent when not "".
	ContentType string
	// RetryAfter, when positive, is sent as Retry-After in whole seconds,
	// rounded up.
	RetryAfter time.Duration
}

// JSON answers v as JSON, with no HTML escaping.
func JSON(status int, v any) Answer {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return Text(http.StatusInternalServerError, "fakeapi: cannot encode the answer: "+err.Error())
	}
	return Answer{Status: status, Body: bytes.TrimSpace(b.Bytes()), ContentType: ContentJSON}
}

// Text answers text as text/plain.
func Text(status int, text string) Answer {
	return Answer{Status: status, Body: []byte(text), ContentType: ContentText}
}

// Write writes a to w.
func (a Answer) Write(w http.ResponseWriter) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((a.RetryAfter+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// ReadBody reads r's body up to MaxBody; over that, tooLarge is true.
func ReadBody(r *http.Request) (body []byte, tooLarge bool, err error) {
	return ReadBodyUpTo(r, MaxBody)
}

// ReadBodyUpTo reads r's body up to limit bytes (a file upload's cap);
// over that, tooLarge is true.
func ReadBodyUpTo(r *http.Request, limit int64) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	return body, int64(len(body)) > limit, err
}

// RawBody is body as a call's JSON body: nil when it is blank.
func RawBody(body []byte) json.RawMessage {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return json.RawMessage(body)
}
