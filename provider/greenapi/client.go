package greenapi

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
	"github.com/cardbot/cardbot/internal/wirejson"
)

// Client talks to one GREEN-API instance. It is a cardbot.Provider (Send),
// a cardbot.Downloader and a cardbot.RegionHinter, and decodes and
// verifies the instance's webhooks for the webhook receiver. A Client is
// safe for concurrent use.
type Client struct {
	cfg     Config
	base    string // APIURL + PathPrefix + "/waInstance" + IDInstance
	secrets []string
	log     *slog.Logger

	accounts *accounts // MAX: checkAccount's answers
	fetch    *safefetch.Fetcher
}

var (
	_ cardbot.Provider     = (*Client)(nil)
	_ cardbot.Downloader   = (*Client)(nil)
	_ cardbot.RegionHinter = (*Client)(nil)
)

// New returns a Client for cfg. It fails when IDInstance is not a number,
// APITokenInstance is empty, or a URL is not http or https.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:  cfg,
		base: cfg.APIURL + cfg.PathPrefix + "/waInstance" + cfg.IDInstance,
		log:  cfg.Logger,
	}
	c.fetch = newFetcher(cfg, nil)
	for _, s := range []string{cfg.APITokenInstance, cfg.WebhookToken} {
		if len(s) >= minSecret {
			c.secrets = append(c.secrets, s)
		}
	}
	if cfg.Messenger == MAX {
		if c.accounts, err = newAccounts(cfg); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Messenger returns the flavour of the API the client speaks
// (Config.Messenger).
func (c *Client) Messenger() Messenger { return c.cfg.Messenger }

// Name returns the provider's name (Config.Name; "greenapi" by default,
// "max" for MAX).
func (c *Client) Name() string { return c.cfg.Name }

// DefaultRegion returns the region national phone numbers are read in
// (Config.DefaultRegion, "RU" by default).
func (c *Client) DefaultRegion() string { return c.cfg.DefaultRegion }

// IDInstance returns the instance id.
func (c *Client) IDInstance() string { return c.cfg.IDInstance }

// minSecret is the length from which a token is searched for in free
// text (a server's message, a network error) and cut out. Shorter ones,
// which GREEN-API never issues, would garble every message; they are still
// never put into errors, as no URL is.
const minSecret = 6

// Limits of what the client reads from a response.
const (
	maxResponse  = 16 << 20 // a successful API response
	maxErrorBody = 64 << 10 // the body of a failure
)

// request is one call of an API method.
type request struct {
	method     string // API method, for errors: "sendMessage"
	httpMethod string
	url        string // the full URL, with the token: never in an error
	body       any    // marshalled as JSON when not nil
	client     *http.Client
	noRetry    bool
	send       bool // a send: not repeated once it may have reached the API
}

// apiRequest makes a request for an API method; extra path segments
// follow the token.
func (c *Client) apiRequest(httpMethod, method string, body any, extra ...string) *request {
	var b strings.Builder
	b.WriteString(c.base)
	b.WriteByte('/')
	b.WriteString(method)
	b.WriteByte('/')
	b.WriteString(c.cfg.APITokenInstance)
	for _, e := range extra {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(e))
	}
	return &request{method: method, httpMethod: httpMethod, url: b.String(), body: body}
}

// call performs r and returns the body of a successful response. A 2xx
// whose JSON body says {"code":401} is an error, as GREEN-API sometimes
// answers a wrong token that way.
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
	if code := bodyCode(body); code == http.StatusUnauthorized || code == http.StatusForbidden {
		_, msg, _ := parseErrorBody(body)
		return nil, &APIError{Method: r.method, StatusCode: resp.StatusCode, Code: code, Message: c.clean(msg)}
	}
	return body, nil
}

// callJSON performs r and decodes the response into out.
func (c *Client) callJSON(ctx context.Context, r *request, out any) ([]byte, error) {
	body, err := c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := wirejson.Unmarshal(body, out); err != nil {
		return body, &APIError{Method: r.method, StatusCode: http.StatusOK,
			Message: c.clean("unexpected response: " + apierr.Shorten(string(body)))}
	}
	return body, nil
}

// open performs r and returns a 2xx response, whose body the caller closes,
// or an error. The retry policy: 429, 499 and 5xx but 501, and network
// errors other than an untrusted certificate or an unsafe download, are
// retried up to MaxRetries times; nothing else. A Retry-After longer than
// MaxBackoff is not waited for: the call fails at once with the wait in
// APIError.RetryAfter, so that the caller can answer its webhook with 503
// instead of holding it. internal/retry runs the attempts and the backoff
// (exponential from MinBackoff with jitter, Retry-After honored, never
// past MaxBackoff, ended by the context).
//
// (go-retryablehttp did the same, but closed the idle connections of the
// caller's http.Client whenever it gave up, and added a tenth to the cost
// and seven allocations to every send.)
func (c *Client) open(ctx context.Context, r *request) (*http.Response, error) {
	var body []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("greenapi: %s: encode the request: %w", r.method, err)
		}
		body = b
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
		Provider:   "greenapi",
		Method:     r.method,
		Retries:    retries,
		AtMostOnce: r.send && !c.cfg.RetrySends,
		Backoff:    retry.Backoff{Min: c.cfg.MinBackoff, Max: c.cfg.MaxBackoff},
		Logger:     c.log,
		Attempt: func(ctx context.Context) (*http.Response, error) {
			req, err := http.NewRequestWithContext(ctx, r.httpMethod, r.url, bytesReader(body))
			if err != nil {
				// The error quotes the URL, which holds the token.
				return nil, retry.Final(fmt.Errorf("greenapi: %s: cannot build the request", r.method))
			}
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

// bytesReader is b as a request body; nil for no body.
func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// statusError makes the error of a response that is not 2xx.
func (c *Client) statusError(method string, resp *http.Response, body []byte) *APIError {
	code, msg, quota := parseErrorBody(body)
	e := &APIError{
		Method:     method,
		StatusCode: resp.StatusCode,
		Code:       code,
		Message:    c.clean(msg),
		Quota:      quota,
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		e.RetryAfter = retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Code, e.Quota = 0, nil
		e.Message = c.clean(apierr.RedirectMessage(resp))
	}
	return e
}

// netError makes the error of a request that got no response. The
// *url.Error's URL, which holds the token, is dropped.
func (c *Client) netError(method string, err error) *APIError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := c.clean(err.Error())
	if msg != err.Error() {
		err = &redactedError{msg: msg, err: err}
	}
	return &APIError{Method: method, Message: msg, Err: err}
}

// clean removes the tokens from s and shortens it.
func (c *Client) clean(s string) string {
	for _, t := range c.secrets {
		s = strings.ReplaceAll(s, t, "[redacted]")
	}
	return apierr.Shorten(s)
}

// redactedError hides a cause whose text held a token.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// bodyCode returns the "code" of a JSON object body, or 0.
func bodyCode(body []byte) int {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' || !bytes.Contains(body, []byte(`"code"`)) {
		return 0
	}
	var probe struct {
		Code json.RawMessage `json:"code"`
	}
	if wirejson.Unmarshal(body, &probe) != nil {
		return 0
	}
	return jsonInt(probe.Code)
}
