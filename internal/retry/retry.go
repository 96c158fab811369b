// Package retry holds what the providers' HTTP clients share about trying a
// call again: how long to wait, how to wait, and which network errors are
// worth another attempt. Which answers of an API are retryable is each
// provider's own policy.
package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds the wait between attempts.
type Backoff struct {
	// Min is the first wait; each further attempt doubles it.
	Min time.Duration
	// Max is the longest wait.
	Max time.Duration
}

// Or fills what b leaves unset from def: a Min or Max of zero or less
// takes def's, and a Max below Min is raised to Min.
func (b Backoff) Or(def Backoff) Backoff {
	if b.Min <= 0 {
		b.Min = def.Min
	}
	if b.Max <= 0 {
		b.Max = def.Max
	}
	b.Max = max(b.Max, b.Min)
	return b
}

// Retries reads a configured retry count: def when zero, none when
// negative.
func Retries(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}

// Wait returns the wait after the n-th failed attempt (n ≥ 1). With a
// Retry-After from the server it is that, plus up to Min/2 of jitter so that
// clients told the same moment do not come back together; otherwise Min
// doubled per attempt, the second half of it jitter. It is never more than
// Max, and never less than retryAfter (a caller that cannot wait that long
// should not retry).
func (b Backoff) Wait(n int, retryAfter time.Duration) time.Duration {
	var wait time.Duration
	if retryAfter > 0 {
		wait = retryAfter + jitter(b.Min/2)
	} else {
		wait = b.Min
		for i := 1; i < n && wait < b.Max; i++ {
			wait *= 2
		}
		wait = min(wait, b.Max)
		wait = wait/2 + jitter(wait/2)
	}
	return max(min(wait, b.Max), retryAfter)
}

// jitter returns a random duration in [0, d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// Sleep waits d, or returns ctx's error when ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NetError reports whether a request that got no response may be tried
// again: after any network error but a certificate the client does not
// trust or a Permanent one (a download refused as unsafe), which another
// attempt will not change.
func NetError(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	return !errors.As(err, &unknownCA) && !errors.As(err, &verify) && !Permanent(err)
}

// NotSent reports whether a request that failed with err provably never
// reached the server: its host name did not resolve (a *net.DNSError), or
// the connection to it was never made (a *net.OpError of a dial: refused,
// unreachable, timed out while connecting). After any other failure (a
// timeout, a connection cut while the request or its answer was under
// way) the server may have received it.
func NotSent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Permanent reports whether err, or an error it wraps, has a method
// Permanent() bool that returns true: a failure no retry, here or by a
// provider's redelivery, can mend.
func Permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// ParseRetryAfter reads a Retry-After header: seconds, or an HTTP date
// after now. Anything else, and a wait in the past, is 0; a wait over a
// day is a day.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, 24*time.Hour)
		}
	}
	return 0
}
