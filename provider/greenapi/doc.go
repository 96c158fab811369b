// Package greenapi is cardbot's provider for GREEN-API
// (https://green-api.com): WhatsApp through an instance's HTTP API, with
// MAX (the "/v3" API) to follow on the same Config (PathPrefix,
// MaxTextLength).
//
// A Client sends texts (sendMessage) and contact cards (sendContact),
// downloads files, and decodes and verifies the instance's webhooks; the
// webhook package mounts it, or a Poller feeds the bot through
// receiveNotification for bots without a public URL:
//
//	c, err := greenapi.New(greenapi.Config{
//		IDInstance:       "1101000001",
//		APITokenInstance: os.Getenv("GREENAPI_API_TOKEN_INSTANCE"),
//		WebhookToken:     os.Getenv("GREENAPI_WEBHOOK_TOKEN"),
//	})
//
// # Delivery
//
// Calls are retried with exponential backoff and jitter on 429, 499, 5xx
// (but 501) and network errors, honoring Retry-After, at most MaxRetries
// times and never past the context; nothing else is retried. Failures are
// *APIError values that errors.Is matches against ErrUnauthorized,
// ErrValidation, ErrRateLimited, ErrQuota and ErrTransient; the retryable
// ones report Retryable() true, so that a webhook answers 503 and GREEN-API
// delivers the update again.
//
// The API token travels in the URL path. No error string and no log line
// of this package holds it, nor the webhook token: URLs are never kept in
// errors, and the server's text is searched for both tokens.
//
// Package greenapitest is a fake GREEN-API server for tests and demos.
package greenapi
