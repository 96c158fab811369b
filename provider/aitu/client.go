package aitu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apierr"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/internal/safefetch"
)

// Client talks to the Aitu Bot API as one bot. It is a cardbot.Provider
// (Send), a cardbot.Downloader and a cardbot.RegionHinter, and decodes
// webhooks for the webhook receiver (it is a webhook.Source). A Client is
// safe for concurrent use.
type Client struct {
	cfg     Config
	log     *slog.Logger
	pending *pendingSends
	fetch   *safefetch.Fetcher
}

var (
	_ cardbot.Provider     = (*Client)(nil)
	_ cardbot.Downloader   = (*Client)(nil)
	_ cardbot.RegionHinter = (*Client)(nil)
)

// New returns a Client for cfg. It fails when Token is empty or BaseURL is
// not an http or https URL.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, log: cfg.Logger, pending: newPendingSends(pendingCap, pendingTTL), fetch: newFetcher(cfg, nil)}, nil
}

// Name returns the provider's name (Config.Name, "aitu" by default).
func (c *Client) Name() string { return c.cfg.Name }

// DefaultRegion returns the region national phone numbers are read in
// (Config.DefaultRegion, "KZ" by default).
func (c *Client) DefaultRegion() string { return c.cfg.DefaultRegion }

// minSecret is the length from which the token is searched for in free
// text (a server's message, a network error) and cut out. Shorter ones
// would garble every message; they still never reach an error, since the
// token travels only in a header.
const minSecret = 6

// Limits of what the client reads from a response.
const (
	maxResponse  = 16 << 20 // a successful API response
	maxErrorBody = 64 << 10 // the body of a failure
)

// tokenHeader is the header that carries the bot's token.
const tokenHeader = "X-BOT-TOKEN"

// request is one call of the API.
type request struct {
	method     string // for errors and logs: "updates", "webhook"
	httpMethod string
	path       string // relative to BaseURL: "updates/"
	query      url.Values
	body       any // marshalled as JSON when not nil
	client     *http.Client
	noRetry    bool
	send       bool // a send: not repeated once it may have reached the API
}

// call performs r and returns the body of a successful response.
func (c *Client) call(ctx context.Context, r *request) ([]byte, error) {
	resp, err := c.open(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, c.netError(r.method, err)
	}
	if len(body) > maxResponse {
		return nil, &APIError{Method: r.method, StatusCode: resp.StatusCode, Message: "response over 16 MiB"}
	}
	return body, nil
}

// open performs r and returns a 2xx response, whose body the caller closes,
// or an error. The retry policy: 409, 429 and 5xx but 501, and network
// errors other than an untrusted certificate or an unsafe download, are
// retried up to MaxRetries times; nothing else (401, 400 and 404 fail at
// once). A Retry-After longer than MaxBackoff is not waited for: the call
// fails at once with the wait in APIError.RetryAfter, so that the caller
// can answer its webhook with 503 instead of holding it. internal/retry
// runs the attempts and the backoff.
func (c *Client) open(ctx context.Context, r *request) (*http.Response, error) {
	var body []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("aitu: %s: encode the request: %w", r.method, err)
		}
		body = b
	}
	target := c.cfg.BaseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	hc := r.client
	if hc == nil {
		hc = c.cfg.HTTPClient
	}
	retries := c.cfg.MaxRetries
	if r.noRetry {
		retries = 0
	}
	return retry.Do(ctx, retry.Call{
		Provider:   "aitu",
		Method:     r.method,
		Retries:    retries,
		AtMostOnce: r.send && !c.cfg.RetrySends,
		Backoff:    retry.Backoff{Min: c.cfg.MinBackoff, Max: c.cfg.MaxBackoff},
		Logger:     c.log,
		Attempt: func(ctx context.Context) (*http.Response, error) {
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req, err := http.NewRequestWithContext(ctx, r.httpMethod, target, rd)
			if err != nil {
				return nil, retry.Final(fmt.Errorf("aitu: %s: cannot build the request: %w", r.method, err))
			}
			req.Header.Set(tokenHeader, c.cfg.Token)
			req.Header.Set("Accept", "application/json")
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			return hc.Do(req)
		},
		NetError: func(err error) error { return c.netError(r.method, err) },
		StatusError: func(resp *http.Response, body []byte) (bool, time.Duration, error) {
			e := c.statusError(r.method, resp, body)
			return e.Retryable(), e.RetryAfter, e
		},
	})
}

// statusError makes the error of a response that is not 2xx.
func (c *Client) statusError(method string, resp *http.Response, body []byte) *APIError {
	e := &APIError{
		Method:     method,
		StatusCode: resp.StatusCode,
		Message:    c.clean(parseErrorBody(body)),
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		e.RetryAfter = retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Message = c.clean(apierr.RedirectMessage(resp))
	}
	return e
}

// netError makes the error of a request that got no response. The
// *url.Error's URL is dropped: it is not secret, but it says nothing the
// method does not.
func (c *Client) netError(method string, err error) *APIError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := c.clean(err.Error())
	if msg != apierr.Shorten(err.Error()) {
		err = &redactedError{msg: msg, err: err}
	}
	return &APIError{Method: method, Message: msg, Err: err}
}

// clean removes the token from s and shortens it.
func (c *Client) clean(s string) string {
	if len(c.cfg.Token) >= minSecret {
		s = strings.ReplaceAll(s, c.cfg.Token, "[redacted]")
	}
	return apierr.Shorten(s)
}

// redactedError hides a cause whose text held the token.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
