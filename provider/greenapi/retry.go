package greenapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// attempts is the retry state of one call: go-retryablehttp's CheckRetry
// and Backoff hooks are its methods.
//
// The policy: retry 429, 499 and 5xx but 501, and network errors other
// than a certificate the client does not trust; nothing else. A 429 or 503
// whose Retry-After asks for more than MaxBackoff is not retried: the call
// fails at once with the wait in APIError.RetryAfter, so that the caller
// can answer the webhook with 503 instead of holding it. The wait grows
// exponentially from MinBackoff with jitter, honors Retry-After, and never
// passes MaxBackoff; the context ends it.
type attempts struct {
	c      *Client
	method string
	n      int
	last   error // the error of the latest attempt
}

func (a *attempts) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	a.n++
	if err != nil {
		a.last = a.c.netError(a.method, err)
		var unknownCA x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		if errors.As(err, &unknownCA) || errors.As(err, &verify) {
			return false, nil
		}
		return true, nil
	}
	if resp.StatusCode < 400 {
		return false, nil
	}
	// Keep the body: the error needs it, retried or not.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	ae := a.c.statusError(a.method, resp, body)
	a.last = ae
	if !ae.Retryable() {
		return false, nil
	}
	if ae.RetryAfter > a.c.cfg.MaxBackoff {
		return false, nil
	}
	return true, nil
}

func (a *attempts) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	var wait time.Duration
	var ra time.Duration
	if resp != nil {
		ra = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if ra > 0 {
		// The server's wait, plus a little jitter so that clients told the
		// same moment do not come back together.
		wait = ra + jitter(min/2)
	} else {
		wait = min
		for i := 0; i < attempt && wait < max; i++ {
			wait *= 2
		}
		if wait > max {
			wait = max
		}
		wait = wait/2 + jitter(wait/2)
	}
	if wait > max {
		wait = max
	}
	if wait < ra {
		wait = ra
	}
	attrs := []slog.Attr{
		slog.String("provider", a.c.cfg.Name),
		slog.String("method", a.method),
		slog.Int("attempt", a.n),
		slog.Duration("wait", wait),
	}
	if a.last != nil {
		attrs = append(attrs, slog.String("error", a.last.Error()))
	}
	a.c.log.LogAttrs(context.Background(), slog.LevelDebug, "greenapi: retrying", attrs...)
	return wait
}

// jitter returns a random duration in [0, d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}
