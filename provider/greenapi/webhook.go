package greenapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// VerifyWebhook checks a webhook request's authorization. With a
// WebhookToken configured, the request must carry
// "Authorization: Bearer <token>" (GREEN-API's webhookUrlToken), compared in
// constant time; otherwise the error is a *WebhookAuthError, which matches
// ErrWebhookAuth and never holds either token. Without a WebhookToken every
// request is accepted.
func (c *Client) VerifyWebhook(r *http.Request) error {
	if c.cfg.WebhookToken == "" {
		return nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return &WebhookAuthError{Reason: "no Authorization header"}
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return &WebhookAuthError{Reason: "Authorization is not a Bearer token"}
	}
	// Hashing first makes the comparison's time independent of the length
	// too.
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	want := sha256.Sum256([]byte(c.cfg.WebhookToken))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return &WebhookAuthError{Reason: "wrong token"}
	}
	return nil
}
