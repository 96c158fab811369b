package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/store"
	"golang.org/x/time/rate"
)

// PushFailureHold bounds how long one failed push to the queue keeps the
// bot not ready (cardbot.Bot.Ready) when no push follows it. A push that
// succeeds makes it ready at once; a push that fails holds it again. The
// bound is there because a probe that turned the traffic away would
// otherwise keep it away forever: with no webhook coming, no push could
// show that the queue takes them again.
const PushFailureHold = time.Minute

// pushLogEvery is how often a failing push is logged at most; the lines
// in between are counted in the next one.
const pushLogEvery = 10 * time.Second

// PushError is why a push to the queue failed: the webhook that brought
// the update is answered 503, and cardbot.Bot.Ready reports the bot not
// ready until a push succeeds (see PushFailureHold). Its ReadyReason says
// the cause without paths or addresses: "push failed: no space left on
// device".
type PushError struct {
	Err error
}

// Error says the push failed, and why.
func (e *PushError) Error() string { return "cardbot: push to the queue failed: " + e.Err.Error() }

// Unwrap returns the queue's error.
func (e *PushError) Unwrap() error { return e.Err }

// ReadyReason says why in a few words: "push failed: queue full", "push
// failed: no space left on device", "push failed: timeout".
func (e *PushError) ReadyReason() string {
	switch pushReason(e.Err) {
	case cardbot.PushFailedFull:
		return "push failed: queue full"
	case cardbot.PushFailedTimeout:
		return "push failed: timeout"
	}
	if s := sysReason(e.Err); s != "" {
		return "push failed: " + s
	}
	return "push failed"
}

// pushReason classifies a push's failure for ObsPushFailed.
func pushReason(err error) string {
	switch {
	case errors.Is(err, store.ErrQueueFull):
		return cardbot.PushFailedFull
	case errors.Is(err, context.DeadlineExceeded):
		return cardbot.PushFailedTimeout
	case errors.Is(err, context.Canceled):
		return cardbot.PushFailedCanceled
	}
	return cardbot.PushFailedError
}

// pushHealth remembers the last push failure of an async bot, logs the
// failures at a bounded rate, and counts them.
type pushHealth struct {
	mu      sync.Mutex
	last    *PushError // nil after a success
	at      time.Time  // when last failed
	limit   *rate.Limiter
	quiet   int // failures not logged since the last line
	failing bool
}

// notePush records the outcome of a push of u. A push that lost a race with
// the same key (store.ErrInFlight) says nothing of the queue and is not noted.
func (e *engine) notePush(u *cardbot.Update, err error) {
	if errors.Is(err, store.ErrInFlight) {
		return
	}
	h := &e.pushes
	if err == nil {
		h.mu.Lock()
		was := h.failing
		h.last, h.failing, h.quiet = nil, false, 0
		h.mu.Unlock()
		if was {
			e.log.LogAttrs(context.Background(), slog.LevelInfo, "cardbot: the queue takes pushes again")
		}
		return
	}
	reason := pushReason(err)
	e.h.Observe(cardbot.Observation{Kind: cardbot.ObsPushFailed, Provider: u.Provider, UpdateKind: u.Kind, Outcome: reason})
	if reason == cardbot.PushFailedCanceled {
		return // the caller left: nothing is known of the queue
	}
	h.mu.Lock()
	if h.limit == nil {
		h.limit = rate.NewLimiter(rate.Every(pushLogEvery), 1)
	}
	h.last, h.at, h.failing = &PushError{Err: err}, time.Now(), true
	log := h.limit.Allow()
	quiet := h.quiet
	if log {
		h.quiet = 0
	} else {
		h.quiet++
	}
	h.mu.Unlock()
	if log {
		e.log.LogAttrs(context.Background(), slog.LevelError, "cardbot: push to the queue failed; the webhook is answered 503",
			slog.String("provider", u.Provider), slog.String("reason", reason),
			slog.Int("failures_not_logged", quiet), slog.Any("error", err))
	}
}

// failure returns the last push failure while it holds: no push succeeded
// since, and it is less than PushFailureHold old.
func (h *pushHealth) failure() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last == nil || time.Since(h.at) >= PushFailureHold {
		return nil
	}
	return h.last
}

// sysReason returns the name of a system error in err's chain
// ("connection refused"), or "".
func sysReason(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return ""
}
