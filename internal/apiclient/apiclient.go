// Package apiclient is the HTTP API client the providers share: it makes
// the requests of an API's methods, runs internal/retry's attempts with
// the retry policy (sends attempted at most once once they may have
// reached the API, unless the user opts in), bounds what it reads, and
// cuts the provider's secrets out of every text that may reach an error or
// a log line. Each provider keeps its own error type and sentinels, made
// by the functions of its Errors; their shape (method, status, message,
// Retry-After, cause) is the one apierr.Text renders.
package apiclient

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

	"github.com/cardbot/cardbot/internal/apierr"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/internal/wirejson"
)

// MaxResponse bounds the body of a successful answer the client reads.
const MaxResponse = 16 << 20

// MinSecret is the length from which a secret is searched for in free
// text (a server's message, a network error) and cut out. Shorter ones
// would garble every message; a client never puts them into errors
// anyway, since it keeps no URL and no header there.
const MinSecret = 6

// Redacted stands where a secret was cut out.
const Redacted = "[redacted]"

// Status is an answer that is not 2xx, for Errors.Status.
type Status struct {
	// Method is the API method ("sendMessage").
	Method string
	// Code is the HTTP status.
	Code int
	// Body is the start of the body, as the server sent it: the provider
	// parses it and passes what it keeps through Client.Clean.
	Body []byte
	// RetryAfter is the server's Retry-After of a 429 or 5xx, or 0.
	RetryAfter time.Duration
	// Redirect is, for a 3xx (which the client does not follow), the
	// message to give instead of the body's, naming only the host it
	// pointed at; "" for other statuses.
	Redirect string
}

// Errors makes a provider's errors. Each error that may be worth another
// attempt has a method Retryable() bool that says so.
type Errors struct {
	// Status makes the error of an answer that is not 2xx.
	Status func(s Status) error
	// Net makes the error of a request that got no complete answer: msg
	// says what went wrong, with the secrets cut out; cause is the error
	// without the request's URL (and hides its text when a secret was cut
	// from it).
	Net func(method, msg string, cause error) error
	// Bad makes the error of a 2xx answer the client cannot use (too
	// large, not the JSON expected); msg is clean.
	Bad func(method string, status int, msg string) error
}

// Options configure a Client.
type Options struct {
	// Provider names the provider in errors and logs ("greenapi").
	Provider string
	// HTTP makes the requests, unless a Request names its own client. It
	// should follow no redirect (see transport.NoRedirects).
	HTTP *http.Client
	// Retries is how many attempts may follow the first.
	Retries int
	// Backoff bounds the waits between attempts.
	Backoff retry.Backoff
	// RetrySends makes sends retried like every other call: at-least-once
	// per send. Without it a send is attempted at most once once its
	// request may have reached the API (see retry.Call.AtMostOnce).
	RetrySends bool
	// Logger gets a Debug line before each retry.
	Logger *slog.Logger
	// Secrets are cut out of every text the client puts into an error;
	// those shorter than MinSecret are ignored.
	Secrets []string
	// Header is set on every request (a token header, Accept).
	Header http.Header
	// Errors makes the provider's errors.
	Errors Errors
}

// Client makes a provider's API calls. It is safe for concurrent use.
type Client struct {
	o       Options
	secrets []string
}

// New returns a Client for o.
func New(o Options) *Client {
	c := &Client{o: o}
	for _, s := range o.Secrets {
		if len(s) >= MinSecret {
			c.secrets = append(c.secrets, s)
		}
	}
	return c
}

// Logger returns the client's logger.
func (c *Client) Logger() *slog.Logger { return c.o.Logger }

// Request is one call of an API method.
type Request struct {
	// Method names the call in errors and logs ("sendMessage"); it holds
	// no secret.
	Method string
	// HTTPMethod is GET, POST or DELETE.
	HTTPMethod string
	// URL is the whole URL. It may hold a token: it never reaches an
	// error.
	URL string
	// Body is marshalled as JSON when not nil.
	Body any
	// Raw is the body when Body is nil: its slices sent one after another
	// as they are (a multipart form around a file's bytes, which are not
	// copied), with ContentType. Every attempt sends it again.
	Raw [][]byte
	// ContentType is the Content-Type of Raw.
	ContentType string
	// Client makes the request instead of Options.HTTP when not nil.
	Client *http.Client
	// NoRetry makes the first failure final.
	NoRetry bool
	// Send marks a call that must not be repeated once it may have
	// reached the API, unless Options.RetrySends.
	Send bool
}

// Open performs r and returns a 2xx response, whose body the caller closes,
// or the provider's error. internal/retry runs the attempts: a failure is
// tried again when its error is Retryable (for a network error, when
// retry.NetError says so), up to Options.Retries times, waiting as
// Options.Backoff says and as long as a Retry-After asks when that is not
// longer than Backoff.Max; a Send only after a failure that proves it did
// not reach the API, or a 429.
func (c *Client) Open(ctx context.Context, r *Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: encode the request: %w", c.o.Provider, r.Method, err)
		}
		body = b
	}
	hc := r.Client
	if hc == nil {
		hc = c.o.HTTP
	}
	retries := c.o.Retries
	if r.NoRetry {
		retries = 0
	}
	return retry.Do(ctx, retry.Call{
		Provider:   c.o.Provider,
		Method:     r.Method,
		Retries:    retries,
		AtMostOnce: r.Send && !c.o.RetrySends,
		Backoff:    c.o.Backoff,
		Logger:     c.o.Logger,
		Attempt: func(ctx context.Context) (*http.Response, error) {
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req, err := http.NewRequestWithContext(ctx, r.HTTPMethod, r.URL, rd)
			if err != nil {
				// Its text quotes the URL, which may hold a token.
				return nil, retry.Final(fmt.Errorf("%s: %s: cannot build the request", c.o.Provider, r.Method))
			}
			for k, vs := range c.o.Header {
				req.Header[k] = vs
			}
			switch {
			case body != nil:
				req.Header.Set("Content-Type", "application/json")
			case r.Raw != nil:
				setRaw(req, r.Raw, r.ContentType)
			}
			return hc.Do(req)
		},
		NetError: func(err error) error { return c.NetError(r.Method, err) },
		StatusError: func(resp *http.Response, body []byte) (bool, time.Duration, error) {
			s := Status{Method: r.Method, Code: resp.StatusCode, Body: body}
			if s.Code == http.StatusTooManyRequests || s.Code >= 500 {
				s.RetryAfter = retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			}
			if s.Code >= 300 && s.Code < 400 {
				s.Redirect = c.Clean(apierr.RedirectMessage(resp))
			}
			err := c.o.Errors.Status(s)
			return retryable(err), s.RetryAfter, err
		},
	})
}

func retryable(err error) bool {
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}

// Call performs r and returns the status and the body of a 2xx response,
// read whole up to MaxResponse.
func (c *Client) Call(ctx context.Context, r *Request) (int, []byte, error) {
	resp, err := c.Open(ctx, r)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return 0, nil, c.NetError(r.Method, err)
	}
	if len(body) > MaxResponse {
		return 0, nil, c.o.Errors.Bad(r.Method, resp.StatusCode, "response over 16 MiB")
	}
	return resp.StatusCode, body, nil
}

// Unmarshal decodes the body of a 2xx answer to r into out, or returns
// the provider's error of an unexpected response, which quotes the start
// of the body, cleaned.
func (c *Client) Unmarshal(r *Request, body []byte, out any) error {
	if err := wirejson.Unmarshal(body, out); err != nil {
		return c.Unexpected(r.Method, body)
	}
	return nil
}

// Unexpected is the provider's error of a 2xx answer whose body is not
// what the method answers.
func (c *Client) Unexpected(method string, body []byte) error {
	return c.o.Errors.Bad(method, http.StatusOK, c.Clean("unexpected response: "+apierr.Shorten(string(body))))
}

// NetError makes the provider's error of a request that got no complete
// answer. The *url.Error's URL, which may hold a token, is dropped, and
// the secrets are cut out of the rest.
func (c *Client) NetError(method string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg, cut := c.redact(err.Error())
	if cut {
		err = &redactedError{msg: msg, err: err}
	}
	return c.o.Errors.Net(method, msg, err)
}

// Clean cuts the secrets out of s and shortens it (apierr.Shorten).
func (c *Client) Clean(s string) string {
	s, _ = c.redact(s)
	return s
}

func (c *Client) redact(s string) (string, bool) {
	cut := false
	for _, t := range c.secrets {
		if strings.Contains(s, t) {
			s = strings.ReplaceAll(s, t, Redacted)
			cut = true
		}
	}
	return apierr.Shorten(s), cut
}

// redactedError hides a cause whose text held a secret.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
