package greenapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cardbot/cardbot/internal/apierr"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// Kinds of failures. A *APIError matches one of the first six with
// errors.Is; checks the client makes before any request (chat id, text
// length, contact names) wrap ErrValidation.
var (
	// ErrUnauthorized: 401 (a wrong apiTokenInstance), 403 (a wrong
	// idInstance), or a 200 whose body is {"code":401,…}.
	ErrUnauthorized = errors.New("greenapi: unauthorized")

	// ErrValidation: 400, with a JSON or a plain-text body, or a request
	// the client refused to send.
	ErrValidation = errors.New("greenapi: request not valid")

	// ErrRateLimited: 429. Retryable; APIError.RetryAfter says how long the
	// server asked to wait, when it did.
	ErrRateLimited = errors.New("greenapi: rate limited")

	// ErrQuota: 466, the plan's monthly quota is used up; APIError.Quota
	// holds the parsed body. Not retryable.
	ErrQuota = errors.New("greenapi: quota exceeded")

	// ErrTransient: 499, 5xx, a timeout or another network error.
	// Retryable.
	ErrTransient = errors.New("greenapi: transient failure")

	// ErrRedirected: a 3xx answer. The API does not redirect, and the
	// client follows no redirect, so that its token never goes to another
	// host; APIError.Message names the host the answer pointed at. Not
	// retryable.
	ErrRedirected = errors.New("greenapi: the API answered with a redirect, which is not followed")

	// ErrWebhookAuth: a webhook request without the configured token (see
	// VerifyWebhook). The error is a *WebhookAuthError.
	ErrWebhookAuth = errors.New("greenapi: webhook authorization failed")
)

// APIError is a failed call of a GREEN-API method. Test its kind with
// errors.Is (ErrUnauthorized, ErrValidation, ErrRateLimited, ErrQuota,
// ErrTransient, ErrRedirected); IsRetryable of the root package reports true for rate
// limits and transient failures.
//
// No field holds the API token: the request URL is never kept, and the
// token is cut out of the server's text.
type APIError struct {
	// Method is the API method ("sendMessage", "download" for a file URL).
	Method string
	// StatusCode is the HTTP status, or 0 when no response came.
	StatusCode int
	// Code is the "code" of a JSON body, when it has one (a 200 with
	// {"code":401} is an authorization failure).
	Code int
	// Message is the server's text (a JSON body's message or description,
	// or the plain-text body), trimmed and shortened; for a network error,
	// what went wrong.
	Message string
	// RetryAfter is the server's Retry-After, or 0.
	RetryAfter time.Duration
	// Quota is the parsed body of a 466: invokeStatus, then
	// correspondentsStatus, as present.
	Quota []QuotaStatus
	// Err is the cause of a network error (a timeout, a refused
	// connection, a cancelled context), without the request URL.
	Err error
}

// QuotaStatus is one quota of a 466 body or a quotaExceeded webhook.
type QuotaStatus struct {
	Method      string `json:"method"`
	Used        int    `json:"used"`
	Total       int    `json:"total"`
	Status      string `json:"status"`
	Description string `json:"description,omitempty"`
}

// Error returns the method, the status and the server's message.
func (e *APIError) Error() string {
	t := apierr.Text{Provider: "greenapi", Method: e.Method, Status: e.StatusCode, Code: e.Code, Message: e.Message}
	return apierr.Render(t, statusText, e.RetryAfter)
}

func statusText(code int) string {
	switch code {
	case 466:
		return "Quota Exceeded"
	case 499:
		return "Client Closed Request"
	}
	return http.StatusText(code)
}

// kinds maps the classes of failures to the sentinels.
var kinds = apierr.Kinds{apierr.Unauthorized: ErrUnauthorized, apierr.Redirected: ErrRedirected,
	apierr.Validation: ErrValidation, apierr.RateLimited: ErrRateLimited, apierr.Transient: ErrTransient}

// Kind returns the sentinel the error matches (ErrUnauthorized, …), or nil
// for other statuses (404, 501, …) and for a download refused as unsafe,
// redirected without end or from a host that does not exist
// (cardbot.ErrUnsafeURL, ErrTooManyRedirects, NXDOMAIN).
func (e *APIError) Kind() error {
	switch {
	case e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden:
		return ErrUnauthorized
	case e.StatusCode == 466:
		return ErrQuota
	case e.StatusCode == 499:
		return ErrTransient
	}
	return kinds.Of(e.StatusCode, e.Err)
}

// Is reports whether target is the error's kind.
func (e *APIError) Is(target error) bool {
	k := e.Kind()
	return k != nil && target == k
}

// Unwrap returns the cause of a network error.
func (e *APIError) Unwrap() error { return e.Err }

// HTTPStatus returns StatusCode, so that a bot's observer reports the
// status of a failed send (cardbot.StatusError).
func (e *APIError) HTTPStatus() int { return e.StatusCode }

// Retryable reports whether the call may succeed later: rate limits and
// transient failures.
func (e *APIError) Retryable() bool {
	k := e.Kind()
	return k == ErrRateLimited || k == ErrTransient
}

// WebhookAuthError is VerifyWebhook's error. It matches ErrWebhookAuth and
// never holds the token.
type WebhookAuthError struct {
	// Reason says what was wrong ("no Authorization header").
	Reason string
}

// Error says why the webhook's authorization failed.
func (e *WebhookAuthError) Error() string {
	return "greenapi: webhook authorization failed: " + e.Reason
}

// Is reports whether target is ErrWebhookAuth.
func (e *WebhookAuthError) Is(target error) bool { return target == ErrWebhookAuth }

// refused and invalid make the error of a request the client refuses to
// send: it matches ErrValidation and the errors it carries.
var refused, invalid = apierr.Refusals("greenapi", ErrValidation)

// errorBody is what GREEN-API's error bodies hold, as far as we read them.
type errorBody struct {
	Code                 json.RawMessage `json:"code"`
	Message              string          `json:"message"`
	Description          string          `json:"description"`
	Error                string          `json:"error"`
	InvokeStatus         *QuotaStatus    `json:"invokeStatus"`
	CorrespondentsStatus *QuotaStatus    `json:"correspondentsStatus"`
}

// parseErrorBody reads a JSON or a plain-text error body.
func parseErrorBody(body []byte) (code int, msg string, quota []QuotaStatus) {
	body = bytes.TrimSpace(body)
	var eb errorBody
	if len(body) > 0 && body[0] == '{' && wirejson.Unmarshal(body, &eb) == nil {
		code = jsonInt(eb.Code)
		for _, q := range []*QuotaStatus{eb.InvokeStatus, eb.CorrespondentsStatus} {
			if q != nil {
				quota = append(quota, *q)
			}
		}
		switch {
		case eb.Message != "":
			msg = eb.Message
		case eb.Description != "":
			msg = eb.Description
		case eb.Error != "":
			msg = eb.Error
		case len(quota) > 0:
			msg = quotaMessage(quota)
		default:
			msg = string(body)
		}
		return code, msg, quota
	}
	return 0, string(body), nil
}

// quotaMessage picks the description of the exceeded quota.
func quotaMessage(qs []QuotaStatus) string {
	for _, q := range qs {
		if strings.Contains(q.Status, "EXCEEDED") {
			if q.Description != "" {
				return q.Description
			}
			return q.Status
		}
	}
	return qs[0].Status
}

// jsonInt reads a JSON number or a string of digits; 0 otherwise.
func jsonInt(raw json.RawMessage) int {
	s := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
