package cardbot

import (
	"context"
	"errors"
	"sort"
	"strings"
	"syscall"

	"github.com/cardbot/cardbot/store"
)

// ErrNotReady is matched by the error of Bot.Ready.
var ErrNotReady = errors.New("cardbot: not ready")

// Check is what one component of a bot answered to Bot.Ready.
type Check struct {
	// Component names what was asked: "bot", "queue", "dedup store",
	// "provider aitu", or, for a provider that reports its instance
	// (InstanceReporter), its name and instance ("greenapi 1101000001").
	Component string
	// Err is nil when the component is ready, else why it is not.
	Err error
}

// ReadyReasoner is an error that says, in a few words fit for a readiness
// probe's body, why its component is not ready: "notAuthorized", "push
// failed: no space left on device". The words hold no address, path or
// secret.
type ReadyReasoner interface {
	ReadyReason() string
}

// Reason returns why the component is not ready in words a readiness
// probe may show to whoever asks: the ReadyReason of an error in Err's
// chain that has one, else the name of a system error in it ("connection
// refused", "no space left on device"), "timeout" or "shutting down", else
// "not ready". Addresses, paths and secrets that Err's text may hold stay
// out. It returns "" when the component is ready.
func (c Check) Reason() string {
	if c.Err == nil {
		return ""
	}
	var rr ReadyReasoner
	if errors.As(c.Err, &rr) {
		return rr.ReadyReason()
	}
	switch {
	case errors.Is(c.Err, ErrShuttingDown):
		return "shutting down"
	case errors.Is(c.Err, context.DeadlineExceeded):
		return "timeout"
	}
	if s := sysReason(c.Err); s != "" {
		return s
	}
	return "not ready"
}

// NotReadyError is the error of Bot.Ready when a component is not ready.
// It matches ErrNotReady and unwraps to each failure.
type NotReadyError struct {
	// Checks are the components asked, ready or not, in the order they
	// were asked.
	Checks []Check
}

// Failed returns the checks of the components that are not ready.
func (e *NotReadyError) Failed() []Check {
	var out []Check
	for _, c := range e.Checks {
		if c.Err != nil {
			out = append(out, c)
		}
	}
	return out
}

// Error names each component that is not ready and its error:
// "cardbot: not ready: queue: …; provider aitu: …".
func (e *NotReadyError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNotReady.Error())
	for i, c := range e.Failed() {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(c.Component)
		b.WriteString(": ")
		b.WriteString(c.Err.Error())
	}
	return b.String()
}

// Is reports whether target is ErrNotReady.
func (e *NotReadyError) Is(target error) bool { return target == ErrNotReady }

// Unwrap returns the errors of the components that are not ready.
func (e *NotReadyError) Unwrap() []error {
	var out []error
	for _, c := range e.Failed() {
		out = append(out, c.Err)
	}
	return out
}

// Ready reports whether the bot can take updates now: it is not shutting
// down, and its async engine (which, in package delivery, checks that its
// queue answers and took the last update pushed to it: see
// delivery.PushFailureHold) or else its dedup store, and its providers
// answer, those of them that are Pingers, asked one after another within
// ctx. It returns nil when all do, else a *NotReadyError, which matches
// ErrNotReady and names every component asked with its answer. A readiness
// probe (webhook.Server's /readyz) calls it.
func (b *Bot) Ready(ctx context.Context) error {
	checks := b.ReadyChecks(ctx)
	for _, c := range checks {
		if c.Err != nil {
			return &NotReadyError{Checks: checks}
		}
	}
	return nil
}

// ReadyChecks asks each component as Ready does and returns every answer,
// ready or not: a bot shutting down answers only Check{"bot",
// ErrShuttingDown}.
func (b *Bot) ReadyChecks(ctx context.Context) []Check {
	b.life.mu.Lock()
	closing := b.life.closing
	b.life.mu.Unlock()
	if closing {
		return []Check{{Component: "bot", Err: ErrShuttingDown}}
	}
	type part struct {
		name string
		p    store.Pinger
	}
	var parts []part
	if b.eng != nil {
		// The engine's queue, asked through the engine: it is not ready
		// while its pushes fail, even when it answers a ping.
		if p, ok := b.eng.(store.Pinger); ok {
			parts = append(parts, part{"queue", p})
		}
	} else if p, ok := b.dedup.(store.Pinger); ok {
		parts = append(parts, part{"dedup store", p})
	}
	b.mu.RLock()
	names := make([]string, 0, len(b.providers))
	for name := range b.providers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := b.providers[name]
		if pp, ok := p.(store.Pinger); ok {
			parts = append(parts, part{componentOf(p), pp})
		}
	}
	b.mu.RUnlock()
	checks := make([]Check, 0, len(parts))
	for _, pt := range parts {
		checks = append(checks, Check{Component: pt.name, Err: pt.p.Ping(ctx)})
	}
	return checks
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

// componentOf names a provider's check: by its instance when it reports
// one, else "provider <name>".
func componentOf(p Provider) string {
	if r, ok := p.(InstanceReporter); ok {
		if s := r.InstanceStatus(); s.Instance != "" {
			return p.Name() + " " + s.Instance
		}
	}
	return "provider " + p.Name()
}
