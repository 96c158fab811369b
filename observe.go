package cardbot

import (
	"context"
	"errors"
	"time"
)

// Observer is told what a bot does, for metrics: each update it receives,
// drops as a duplicate, queues, handles and dead letters, each message it
// sends, and the depth of its async queue. Set one with WithObserver; the
// package github.com/cardbot/cardbot/prom turns them into Prometheus
// metrics.
//
// Observe is called on the goroutine doing the work, while it does it: it
// must be fast, must not block, and must be safe for concurrent use. The
// observations hold no chat id, phone number, text or secret.
type Observer interface {
	Observe(o Observation)
}

// ObservationKind says what an Observation reports.
type ObservationKind uint8

// The kinds of observations.
const (
	// ObsReceived: Dispatch took an update (Provider, Update).
	ObsReceived ObservationKind = iota + 1
	// ObsDeduplicated: an update was dropped as a delivery of one handled
	// or queued before (Provider, Update).
	ObsDeduplicated
	// ObsQueued: async delivery stored an update in its queue (Provider,
	// Update).
	ObsQueued
	// ObsHandled: a handler ran, or none matched (Provider, Update,
	// Route, Outcome, Duration). In async mode every attempt is one.
	ObsHandled
	// ObsSent: a message was sent, or failed to be (Provider, Method,
	// Outcome, Status, Duration).
	ObsSent
	// ObsDeadLettered: async delivery gave an update up to the dead
	// letters (Provider, Update).
	ObsDeadLettered
	// ObsQueueDepth: a worker took an update of the async queue (Depth,
	// Lag).
	ObsQueueDepth
	// ObsPushFailed: async delivery could not store an update in its
	// queue, and the webhook is answered 503 (Provider, Update, and
	// Outcome: one of the PushFailed reasons).
	ObsPushFailed
)

// String returns the kind's name: "received", "deduplicated", ….
func (k ObservationKind) String() string {
	switch k {
	case ObsReceived:
		return "received"
	case ObsDeduplicated:
		return "deduplicated"
	case ObsQueued:
		return "queued"
	case ObsHandled:
		return "handled"
	case ObsSent:
		return "sent"
	case ObsDeadLettered:
		return "dead_lettered"
	case ObsQueueDepth:
		return "queue_depth"
	case ObsPushFailed:
		return "push_failed"
	}
	return "unknown"
}

// Outcomes of ObsHandled and ObsSent.
const (
	OutcomeOK        = "ok"        // the handler or the send returned nil
	OutcomeError     = "error"     // an error that is not retryable
	OutcomeRetryable = "retryable" // a retryable error: the update or send may be tried again
	OutcomePanic     = "panic"     // the handler panicked
	OutcomeTimeout   = "timeout"   // the handler's or the send's context ended
)

// Reasons of ObsPushFailed (Observation.Outcome).
const (
	PushFailedFull     = "queue_full" // the bounded queue had no room (ErrQueueFull)
	PushFailedTimeout  = "timeout"    // the push's context ended: its deadline
	PushFailedCanceled = "canceled"   // the push's context ended: the caller went away
	PushFailedError    = "error"      // the queue's store failed
)

// Observation is one thing a bot did. Which fields are set depends on
// Kind.
type Observation struct {
	Kind ObservationKind

	// Provider is the provider's name ("greenapi", "aitu").
	Provider string
	// UpdateKind is the kind of the update.
	UpdateKind UpdateKind
	// Route is the route that handled the update, as its String method
	// says ("/start", "OnText", "Pattern(^hi)"), or "" when none matched.
	Route string
	// Outcome is one of the Outcome constants.
	Outcome string
	// Method is what was sent: "text", "contact", "file"; "other" for
	// an Outgoing of another type.
	Method string
	// HTTPStatus is the HTTP status of a failed send's last response, when the
	// provider's error says it (see StatusError); 0 otherwise.
	HTTPStatus int
	// Duration is how long the handling or the send took.
	Duration time.Duration
	// Depth is the number of updates the async queue has delivered to the
	// bot and that are not done: running, waiting for their turn or for a
	// retry.
	Depth int
	// Lag is how long the update a worker took waited since it was queued.
	Lag time.Duration
}

// StatusError is an error that carries the HTTP status of the response
// that caused it, 0 when none came; the providers' API errors are.
// ObsSent reports it.
type StatusError interface {
	error
	HTTPStatus() int
}

// outcome classifies the result of a handling or a send.
func outcome(err error) string {
	var pe *PanicError
	switch {
	case err == nil:
		return OutcomeOK
	case errors.As(err, &pe):
		return OutcomePanic
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return OutcomeTimeout
	case IsRetryable(err):
		return OutcomeRetryable
	}
	return OutcomeError
}

// statusOf returns the HTTP status err carries, or 0.
func statusOf(err error) int {
	var se StatusError
	if errors.As(err, &se) {
		return se.HTTPStatus()
	}
	return 0
}

// observe hands o to the bot's observer, when it has one.
func (b *Bot) observe(o Observation) {
	if b.observer != nil {
		b.observer.Observe(o)
	}
}
