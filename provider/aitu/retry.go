package aitu

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
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
func (a *attempts) check(ctx context.Context, resp *http.Response, err error) (retry bool, failure error) {
	a.n++
	if err != nil {
		a.last = a.c.netError(a.method, err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, a.ended(ctxErr)
		}
		var unknownCA x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		return !errors.As(err, &unknownCA) && !errors.As(err, &verify), a.last
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
	d := a.backoff()
	a.c.log.LogAttrs(ctx, slog.LevelDebug, "aitu: retrying",
		slog.String("provider", a.c.cfg.Name),
		slog.String("method", a.method),
		slog.Int("attempt", a.n),
		slog.Duration("wait", d),
		slog.String("error", a.last.Error()))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return a.ended(ctx.Err())
	case <-t.C:
		return nil
	}
}

// backoff is the wait before attempt a.n+1: the server's Retry-After plus a
// little jitter, or else MinBackoff doubled per attempt, half of it
// jitter; never more than MaxBackoff, never less than Retry-After.
func (a *attempts) backoff() time.Duration {
	lo, hi := a.c.cfg.MinBackoff, a.c.cfg.MaxBackoff
	ra := a.last.RetryAfter
	var wait time.Duration
	if ra > 0 {
		wait = ra + jitter(lo/2)
	} else {
		wait = lo
		for i := 1; i < a.n && wait < hi; i++ {
			wait *= 2
		}
		wait = min(wait, hi)
		wait = wait/2 + jitter(wait/2)
	}
	return max(min(wait, hi), ra)
}

// jitter returns a random duration in [0, d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}
