package aitu

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// VerifyWebhook accepts every request: Aitu neither signs its webhooks nor
// sends a secret header. Authenticate them by the URL instead: give
// SetWebhook a URL whose path ends in a secret from NewWebhookSecret
// ("https://bot.example.com/webhook/aitu/<secret>") and mount the route on
// that exact path, so that a request to any other path gets 404. Keep the
// secret out of logs as you would a token.
func (c *Client) VerifyWebhook(*http.Request) error { return nil }

// NewWebhookSecret returns a secret for a webhook path: 32 random bytes
// (256 bits) from crypto/rand, base64url without padding, 43 characters
// that need no escaping in a URL path. The error is always nil, since
// crypto/rand.Read cannot fail (Go 1.24); it is kept for compatibility.
func NewWebhookSecret() (string, error) {
	var b [32]byte
	// crypto/rand.Read never fails: it crashes the program first.
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

type webhookBody struct {
	URL string `json:"url"`
}

// SetWebhook makes Aitu post updates to webhookURL (POST webhook/); while a
// webhook is set, polling fails with ErrWebhookSpecified. Aitu takes an
// https URL of at most 200 characters; the client also accepts http for a
// loopback host, for tests. A URL it refuses fails before any request with
// an error that wraps ErrValidation; errors never quote the URL, since its
// path holds the webhook secret.
func (c *Client) SetWebhook(ctx context.Context, webhookURL string) error {
	u, err := url.Parse(webhookURL)
	switch {
	case err != nil:
		return invalid("SetWebhook: the URL does not parse")
	case len(webhookURL) > MaxWebhookURLLength:
		return invalid("SetWebhook: the URL has %d characters, the limit is %d", len(webhookURL), MaxWebhookURLLength)
	case u.Host == "":
		return invalid("SetWebhook: the URL has no host")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return invalid("SetWebhook: the URL must be https")
	}
	_, err = c.call(ctx, c.apiRequest(http.MethodPost, "webhook", "webhook/", nil, webhookBody{URL: webhookURL}))
	return err
}

// GetWebhook returns the webhook URL Aitu posts to (GET webhook/), or ""
// when none is set.
func (c *Client) GetWebhook(ctx context.Context) (string, error) {
	r := c.apiRequest(http.MethodGet, "webhook", "webhook/", nil, nil)
	body, err := c.call(ctx, r)
	if err != nil {
		return "", err
	}
	var out webhookBody
	if len(strings.TrimSpace(string(body))) == 0 {
		return "", nil
	}
	if err := c.api.Unmarshal(r, body, &out); err != nil {
		return "", err
	}
	return out.URL, nil
}

// DeleteWebhook removes the webhook (DELETE webhook/), so that updates can
// be polled.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	_, err := c.call(ctx, c.apiRequest(http.MethodDelete, "webhook", "webhook/", nil, nil))
	return err
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}
