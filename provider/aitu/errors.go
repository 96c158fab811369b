package aitu

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/cardbot/cardbot/internal/apierr"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// Kinds of failures. A *APIError matches one of them with errors.Is; checks
// the client makes before any request (chat id, text length, contact)
// wrap ErrValidation.
var (
	// ErrUnauthorized: 401 ("Token is invalid", "Token is not specified",
	// "FORBIDDEN" for a banned bot) or 403. Never retried; the Poller stops.
	ErrUnauthorized = errors.New("aitu: unauthorized")

	// ErrValidation: 400 ("Failed to read HTTP message", a bean-validation
	// message, "Invalid JSON"), with a JSON or a plain-text body, or a
	// request the client refused to send. Never retried.
	ErrValidation = errors.New("aitu: request not valid")

	// ErrWebhookSpecified: 400 "Webhook is specified", the answer to a poll
	// while a webhook is set. It matches ErrValidation too. Delete the
	// webhook (DeleteWebhook, or PollerConfig.DeleteWebhook) to poll.
	ErrWebhookSpecified = errors.New("aitu: a webhook is set, updates cannot be polled")

	// ErrConflict: 409 "Duplicate request not allowed in long polling",
	// another poll with the same token is in flight. Retryable.
	ErrConflict = errors.New("aitu: another poll is in flight")

	// ErrRateLimited: 429. Retryable; APIError.RetryAfter says how long the
	// server asked to wait, when it did.
	ErrRateLimited = errors.New("aitu: rate limited")

	// ErrTransient: 5xx (but 501), 504 "Gateway timeout", a timeout or
	// another network error. Retryable.
	ErrTransient = errors.New("aitu: transient failure")

	// ErrRedirected: a 3xx answer. The API does not redirect, and the
	// client follows no redirect, so that its token never goes to another
	// host; APIError.Message names the host the answer pointed at. Not
	// retryable.
	ErrRedirected = errors.New("aitu: the API answered with a redirect, which is not followed")

	// ErrNotFound: 404 ("Bot not found", an unknown file id). Not
	// retryable.
	ErrNotFound = errors.New("aitu: not found")
)

// kinds maps the classes of failures to the sentinels.
var kinds = apierr.Kinds{apierr.Unauthorized: ErrUnauthorized, apierr.Redirected: ErrRedirected,
	apierr.Validation: ErrValidation, apierr.NotFound: ErrNotFound, apierr.Conflict: ErrConflict,
	apierr.RateLimited: ErrRateLimited, apierr.Transient: ErrTransient}

// webhookSpecified is the text of the 400 of a poll while a webhook is set.
const webhookSpecified = "webhook is specified"

// APIError is a failed call of the Bot API. Test its kind with errors.Is
// (ErrUnauthorized, ErrValidation, ErrWebhookSpecified, ErrConflict,
// ErrRateLimited, ErrTransient, ErrNotFound, ErrRedirected);
// cardbot.IsRetryable reports true for conflicts, rate limits and
// transient failures.
//
// No field holds the token: it travels in a header the client never
// records, and it is cut out of the server's text.
type APIError struct {
	// Method names the call: "updates" (a send or a poll), "webhook",
	// "download".
	Method string
	// StatusCode is the HTTP status, or 0 when no response came.
	StatusCode int
	// Message is the server's text (a JSON body's message or error, or the
	// plain-text body), trimmed and shortened; for a network error, what
	// went wrong.
	Message string
	// RetryAfter is the server's Retry-After, or 0.
	RetryAfter time.Duration
	// Err is the cause of a network error (a timeout, a refused
	// connection, a cancelled context).
	Err error
}

// Error returns the method, the status and the server's message.
func (e *APIError) Error() string {
	return apierr.Render(apierr.Text{Provider: "aitu", Method: e.Method, Status: e.StatusCode, Message: e.Message}, nil, e.RetryAfter)
}

// Kind returns the sentinel the error matches (ErrUnauthorized, …), or nil
// for other statuses (501, 405, …) and for a download refused as unsafe,
// redirected without end or from a host that does not exist
// (cardbot.ErrUnsafeURL, ErrTooManyRedirects, NXDOMAIN).
func (e *APIError) Kind() error {
	k := kinds.Of(e.StatusCode, e.Err)
	if k == ErrValidation && strings.Contains(strings.ToLower(e.Message), webhookSpecified) {
		return ErrWebhookSpecified
	}
	return k
}

// Is reports whether target is the error's kind. ErrWebhookSpecified is a
// kind of ErrValidation.
func (e *APIError) Is(target error) bool {
	k := e.Kind()
	if k == nil {
		return false
	}
	return target == k || (k == ErrWebhookSpecified && target == ErrValidation)
}

// Unwrap returns the cause of a network error.
func (e *APIError) Unwrap() error { return e.Err }

// HTTPStatus returns StatusCode, so that a bot's observer reports the
// status of a failed send (cardbot.StatusError).
func (e *APIError) HTTPStatus() int { return e.StatusCode }

// Retryable reports whether the call may succeed later: conflicts, rate
// limits and transient failures.
func (e *APIError) Retryable() bool {
	switch e.Kind() {
	case ErrConflict, ErrRateLimited, ErrTransient:
		return true
	}
	return false
}

// refused and invalid make the error of a request the client refuses to
// send: it matches ErrValidation and the errors it carries.
var refused, invalid = apierr.Refusals("aitu", ErrValidation)

// errorBody is a Spring Boot error body, or what other front ends send.
type errorBody struct {
	Message     string          `json:"message"`
	Error       json.RawMessage `json:"error"`
	Description string          `json:"description"`
}

// parseErrorBody reads a JSON or a plain-text error body: the "message",
// else "error" (a string, or an object with a message), else the body.
func parseErrorBody(body []byte) string {
	body = bytes.TrimSpace(body)
	var eb errorBody
	if len(body) > 0 && body[0] == '{' && wirejson.Unmarshal(body, &eb) == nil {
		if eb.Message != "" {
			return eb.Message
		}
		var s string
		if wirejson.Unmarshal(eb.Error, &s) == nil && s != "" {
			return s
		}
		var inner errorBody
		if wirejson.Unmarshal(eb.Error, &inner) == nil && inner.Message != "" {
			return inner.Message
		}
		if eb.Description != "" {
			return eb.Description
		}
		return string(body)
	}
	// A JSON string: "Webhook is specified".
	var s string
	if len(body) > 0 && body[0] == '"' && wirejson.Unmarshal(body, &s) == nil {
		return s
	}
	return string(body)
}
