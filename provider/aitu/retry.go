package aitu

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/cardbot/cardbot/internal/retry"
)

// attempts is the retry state of one call.
//
// The policy: retry 409, 429 and 5xx but 501, and network errors other
// than a certificate the client does not trust; nothing else (401, 400 and
// 404 fail at once). A 429 or 503 whose Retry-After asks for more than
// MaxBackoff is not retried: the call fails at once with the wait in
// APIError.RetryAfter, so that the caller can answer its webhook with 503
// instead of holding it. The wait grows exponentially from MinBackoff with
// jitter, honors Retry-After and never passes MaxBackoff; the context ends
// it.
type attempts struct {
	c      *Client
	method string
	n      int       // attempts made
	last   *APIError // the failure of the latest attempt
}

// check judges the outcome of an attempt: failure is nil for a 2xx
// response, which the caller then reads; otherwise the response, if any,
// is read and closed, and retry says whether another attempt may help.
func (a *attempts) check(ctx context.Context, resp *http.Response, err error) (again bool, failure error) {
	a.n++
	if err != nil {
		a.last = a.c.netError(a.method, err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, a.ended(ctxErr)
		}
		return retry.NetError(err), a.last
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	a.last = a.c.statusError(a.method, resp, body)
	return a.last.Retryable() && a.last.RetryAfter <= a.c.cfg.MaxBackoff, a.last
}

// ended is the error of a call whose context ended after an attempt
// failed.
func (a *attempts) ended(ctxErr error) error {
	if a.last == nil {
		return fmt.Errorf("aitu: %s: %w", a.method, ctxErr)
	}
	return fmt.Errorf("aitu: %s: %w after %d attempt(s); last: %w", a.method, ctxErr, a.n, a.last)
}

// wait sleeps before the next attempt, or returns the context's error.
func (a *attempts) wait(ctx context.Context) error {
	d := retry.Backoff{Min: a.c.cfg.MinBackoff, Max: a.c.cfg.MaxBackoff}.Wait(a.n, a.last.RetryAfter)
	a.c.log.LogAttrs(ctx, slog.LevelDebug, "aitu: retrying",
		slog.String("provider", a.c.cfg.Name),
		slog.String("method", a.method),
		slog.Int("attempt", a.n),
		slog.Duration("wait", d),
		slog.String("error", a.last.Error()))
	if err := retry.Sleep(ctx, d); err != nil {
		return a.ended(err)
	}
	return nil
}
