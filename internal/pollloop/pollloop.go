// Package pollloop is the loop the providers' pollers share: hold the
// account's lease, poll once, and after a failure either stop or wait a
// backoff that doubles with each failure in a row. What one poll does and
// which failures stop the loop is each provider's.
package pollloop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cardbot/cardbot/internal/pollease"
	"github.com/cardbot/cardbot/internal/retry"
)

// DefaultBackoff bounds the wait after a failure when a poller sets none.
var DefaultBackoff = retry.Backoff{Min: time.Second, Max: time.Minute}

// Loop is a poller's loop.
type Loop struct {
	// Provider names the provider in errors and log lines ("greenapi").
	Provider string
	// Name is the provider's configured name, logged with each failure.
	Name string
	// Lease is held before each poll and released when Run returns.
	Lease *pollease.Lease
	// Backoff bounds the wait after a failure.
	Backoff retry.Backoff
	// Interval is the pause after a poll that brought nothing; none when
	// zero or less.
	Interval time.Duration
	// Logger gets a Warn line for each failure.
	Logger *slog.Logger
	// Clean cuts the secrets out of an error's text before it is logged.
	Clean func(string) string

	// Once polls once and handles what came; empty reports that nothing
	// came.
	Once func(ctx context.Context) (empty bool, err error)
	// Recover, when set, gets a failure first: when it returns nil the
	// loop polls again at once; otherwise what it returns goes on as the
	// failure.
	Recover func(ctx context.Context, err error) error
	// Fatal reports whether a failure stops Run.
	Fatal func(err error) bool
}

// Run polls until ctx ends, and returns ctx.Err() then, or until a
// failure is Fatal: it returns "<provider>: poller stopped: <failure>",
// wrapping the failure.
func (l *Loop) Run(ctx context.Context) error {
	defer l.Lease.Release(ctx)
	failures := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := l.Lease.Hold(ctx); err != nil {
			return err
		}
		empty, err := l.Once(ctx)
		if err == nil {
			failures = 0
			if empty && l.Interval > 0 {
				if retry.Sleep(ctx, l.Interval) != nil {
					return ctx.Err()
				}
			}
			continue
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if l.Recover != nil {
			if err = l.Recover(ctx, err); err == nil {
				continue
			}
		}
		if l.Fatal(err) {
			return fmt.Errorf("%s: poller stopped: %w", l.Provider, err)
		}
		failures++
		wait := l.Backoff.Wait(failures, 0)
		l.Logger.LogAttrs(ctx, slog.LevelWarn, l.Provider+": polling failed",
			slog.String("provider", l.Name),
			slog.Int("failures", failures),
			slog.Duration("wait", wait),
			slog.String("error", l.Clean(err.Error())))
		if retry.Sleep(ctx, wait) != nil {
			return ctx.Err()
		}
	}
}

// RedeliverError says that a handler failed with a retryable error: what
// the poll brought is kept, and comes again after a backoff.
type RedeliverError struct {
	// Kept says what happens to it: "notification kept".
	Kept string
	// Err is the handler's error.
	Err error
}

// Error says that the handler failed and what was kept.
func (e *RedeliverError) Error() string { return "handler failed, " + e.Kept + ": " + e.Err.Error() }

// Unwrap returns the handler's error.
func (e *RedeliverError) Unwrap() error { return e.Err }

// IsRedeliver reports whether err is, or wraps, a *RedeliverError.
func IsRedeliver(err error) bool {
	var r *RedeliverError
	return errors.As(err, &r)
}
