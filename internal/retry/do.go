package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maxErrorBody is how much of a failed response's body is read for its
// error.
const maxErrorBody = 64 << 10

// Call is one API call for Do: how to make an attempt, and how the
// provider names and judges its failures.
type Call struct {
	// Provider and Method name the call in errors and logs ("greenapi",
	// "sendMessage"); neither may hold a secret.
	Provider, Method string
	// Retries is how many attempts may follow the first.
	Retries int
	// AtMostOnce marks a call that must not be repeated once its request
	// may have reached the server (a send: a second attempt could deliver
	// the message twice). It is attempted again only after a network error
	// that NotSent says of, or a 429, with which the server refused the
	// request unprocessed; a timeout, a cut connection or another status
	// ends it.
	AtMostOnce bool
	// Backoff bounds the waits between attempts.
	Backoff Backoff
	// Logger gets a Debug line before each retry.
	Logger *slog.Logger

	// Attempt makes one request.
	Attempt func(ctx context.Context) (*http.Response, error)
	// NetError makes the provider's error of a request that got no
	// response, without anything secret (URLs hold tokens).
	NetError func(err error) error
	// StatusError says whether another attempt may help after a response
	// that is not 2xx, how long the server asked to wait, and makes the
	// provider's error of it, from its status and the start of its body.
	StatusError func(resp *http.Response, body []byte) (retryable bool, retryAfter time.Duration, err error)
}

// Do runs c's attempts until one gets a 2xx response, which it returns for
// the caller to read and close, or until a failure is final: not
// retryable (a status StatusError says so of; a network error NetError
// rejects; for an AtMostOnce call, anything after which the request may
// have reached the server), out of retries, or a Retry-After longer than
// Backoff.Max (the
// caller had better answer its own webhook with 503 than hold it). Between
// attempts it waits as Backoff.Wait says; the context ends the wait and
// the call, whose error then says how many attempts failed and how.
func Do(ctx context.Context, c Call) (*http.Response, error) {
	for n := 1; ; n++ {
		resp, err := c.Attempt(ctx)
		var failure error
		var again bool
		var retryAfter time.Duration
		var final finalError
		switch {
		case errors.As(err, &final):
			return nil, final.err
		case err != nil:
			failure = c.NetError(err)
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ended(c, ctxErr, n, failure)
			}
			again = NetError(err) && (!c.AtMostOnce || NotSent(err))
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return resp, nil
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			resp.Body.Close()
			again, retryAfter, failure = c.StatusError(resp, body)
			again = again && retryAfter <= c.Backoff.Max &&
				(!c.AtMostOnce || resp.StatusCode == http.StatusTooManyRequests)
		}
		if !again || n > c.Retries {
			return nil, failure
		}
		d := c.Backoff.Wait(n, retryAfter)
		c.Logger.LogAttrs(ctx, slog.LevelDebug, c.Provider+": retrying",
			slog.String("method", c.Method),
			slog.Int("attempt", n),
			slog.Duration("wait", d),
			slog.String("error", failure.Error()))
		if err := Sleep(ctx, d); err != nil {
			return nil, ended(c, err, n, failure)
		}
	}
}

// Final marks an error of Call.Attempt that no attempt can mend (a request
// that cannot be built): Do returns it as it is, without NetError and
// without retrying.
func Final(err error) error { return finalError{err} }

type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }
func (e finalError) Unwrap() error { return e.err }

// ended is the error of a call whose context ended after n failed attempts.
func ended(c Call, ctxErr error, n int, last error) error {
	return fmt.Errorf("%s: %s: %w after %d attempt(s); last: %w", c.Provider, c.Method, ctxErr, n, last)
}
