package greenapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/cardbot/cardbot/internal/apiclient"
	"github.com/cardbot/cardbot/internal/safefetch"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// Client talks to one GREEN-API instance. It is a cardbot.Provider (Send),
// a cardbot.Downloader and a cardbot.RegionHinter, and decodes and
// verifies the instance's webhooks for the webhook receiver. A Client is
// safe for concurrent use.
type Client struct {
	cfg  Config
	base string // APIURL + PathPrefix + "/waInstance" + IDInstance
	api  *apiclient.Client
	log  *slog.Logger

	accounts *accounts    // MAX: checkAccount's and addContact's answers
	contacts *contactBase // MAX: the copy of the contact base
	fetch    *safefetch.Fetcher
	health   instanceHealth // the instance's state: state.go
}

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
	o := cfg.settings().Options()
	o.Provider, o.Errors = "greenapi", c.apiErrors()
	o.Secrets = []string{cfg.APITokenInstance, cfg.WebhookToken}
	c.api = apiclient.New(o)
	if cfg.Messenger == MAX {
		c.accounts = newAccounts(cfg)
		c.contacts = newContactBase(cfg.MAXContacts)
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

// request is one call of an API method.
type request = apiclient.Request

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
	return &request{Method: method, HTTPMethod: httpMethod, URL: b.String(), Body: body}
}

// call performs r and returns the body of a successful response. A 2xx
// whose JSON body says {"code":401} is an error, as GREEN-API sometimes
// answers a wrong token that way.
//
// The retry policy (internal/apiclient runs it): 429, 499 and 5xx but
// 501, and network errors other than an untrusted certificate or an
// unsafe download, are retried up to MaxRetries times; nothing else.
// Sends only after a 429 or a failure that proves the request never
// reached GREEN-API, unless RetrySends. A Retry-After longer than
// MaxBackoff is not waited for: the call fails at once with the wait in
// APIError.RetryAfter, so that the caller can answer its webhook with 503
// instead of holding it.
func (c *Client) call(ctx context.Context, r *request) ([]byte, error) {
	status, body, err := c.api.Call(ctx, r)
	c.noteCall(r.Method, err)
	if err != nil {
		return nil, err
	}
	if code := bodyCode(body); code == http.StatusUnauthorized || code == http.StatusForbidden {
		_, msg, _ := parseErrorBody(body)
		return nil, &APIError{Method: r.Method, StatusCode: status, Code: code, Message: c.api.Clean(msg)}
	}
	return body, nil
}

// callJSON performs r and decodes the response into out.
func (c *Client) callJSON(ctx context.Context, r *request, out any) ([]byte, error) {
	body, err := c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	return body, c.api.Unmarshal(r, body, out)
}

// apiErrors makes the client's errors for internal/apiclient.
func (c *Client) apiErrors() apiclient.Errors {
	return apiclient.Errors{
		Status: func(s apiclient.Status) error {
			code, msg, quota := parseErrorBody(s.Body)
			e := &APIError{Method: s.Method, StatusCode: s.Code, Code: code, Message: c.api.Clean(msg), Quota: quota, RetryAfter: s.RetryAfter}
			if s.Redirect != "" {
				e.Code, e.Quota, e.Message = 0, nil, s.Redirect
			}
			return e
		},
		Net: func(method, msg string, cause error) error {
			return &APIError{Method: method, Message: msg, Err: cause}
		},
		Bad: func(method string, status int, msg string) error {
			return &APIError{Method: method, StatusCode: status, Message: msg}
		},
	}
}

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
