package aitu

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/cardbot/cardbot/internal/apiclient"
	"github.com/cardbot/cardbot/internal/safefetch"
)

// Client talks to the Aitu Bot API as one bot. It is a cardbot.Provider
// (Send), a cardbot.Downloader and a cardbot.RegionHinter, and decodes
// webhooks for the webhook receiver (it is a webhook.Source). A Client is
// safe for concurrent use.
type Client struct {
	cfg     Config
	api     *apiclient.Client
	log     *slog.Logger
	pending *pendingSends
	fetch   *safefetch.Fetcher
}

// New returns a Client for cfg. It fails when Token is empty or APIURL is
// not an http or https URL.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, log: cfg.Logger, pending: newPendingSends(pendingCap, pendingTTL), fetch: newFetcher(cfg, nil)}
	o := settingsOf(cfg).Options()
	o.Provider, o.Secrets, o.Errors = "aitu", []string{cfg.Token}, c.apiErrors()
	o.Header = http.Header{tokenHeader: {cfg.Token}, "Accept": {"application/json"}}
	c.api = apiclient.New(o)
	return c, nil
}

// Name returns the provider's name (Config.Name, "aitu" by default).
func (c *Client) Name() string { return c.cfg.Name }

// DefaultRegion returns the region national phone numbers are read in
// (Config.DefaultRegion, "KZ" by default).
func (c *Client) DefaultRegion() string { return c.cfg.DefaultRegion }

// tokenHeader is the header that carries the bot's token.
const tokenHeader = "X-BOT-TOKEN"

// request is one call of the API.
type request = apiclient.Request

// apiRequest makes a request of path (relative to APIURL, "updates/")
// with query.
func (c *Client) apiRequest(httpMethod, method, path string, query url.Values, body any) *request {
	target := c.cfg.APIURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	return &request{Method: method, HTTPMethod: httpMethod, URL: target, Body: body}
}

// call performs r and returns the body of a successful response.
//
// The retry policy (internal/apiclient runs it): 409, 429 and 5xx but
// 501, and network errors other than an untrusted certificate or an
// unsafe download, are retried up to MaxRetries times; nothing else (401,
// 400 and 404 fail at once). Sends only after a 429 or a failure that
// proves the request never reached Aitu, unless RetrySends. A Retry-After
// longer than MaxBackoff is not waited for: the call fails at once with
// the wait in APIError.RetryAfter, so that the caller can answer its
// webhook with 503 instead of holding it.
func (c *Client) call(ctx context.Context, r *request) ([]byte, error) {
	_, body, err := c.api.Call(ctx, r)
	return body, err
}

// apiErrors makes the client's errors for internal/apiclient.
func (c *Client) apiErrors() apiclient.Errors {
	return apiclient.Errors{
		Status: func(s apiclient.Status) error {
			msg := s.Redirect
			if msg == "" {
				msg = c.api.Clean(parseErrorBody(s.Body))
			}
			return &APIError{Method: s.Method, StatusCode: s.Code, Message: msg, RetryAfter: s.RetryAfter}
		},
		Net: func(method, msg string, cause error) error {
			return &APIError{Method: method, Message: msg, Err: cause}
		},
		Bad: func(method string, status int, msg string) error {
			return &APIError{Method: method, StatusCode: status, Message: msg}
		},
	}
}
