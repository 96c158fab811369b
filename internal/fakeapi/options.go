package fakeapi

import "time"

// Default push retries of every fake: 3 attempts 20 ms apart.
const (
	DefaultPushAttempts = 3
	DefaultPushInterval = 20 * time.Millisecond
)

// Options are the settings every fake takes, whose messages accepted are
// of type M. A fake's own options embed them, and its With… options set
// their fields: each fake documents its options in its own words.
type Options[M any] struct {
	// PlainErrors makes failures answer with a text/plain body instead of
	// the API's JSON.
	PlainErrors bool
	// MaxWait bounds how long a long poll waits on an empty queue; each
	// fake says what zero means.
	MaxWait time.Duration
	// PushAttempts and PushInterval are how many times a webhook is posted
	// while it is not accepted, and the wait between attempts.
	PushAttempts int
	PushInterval time.Duration
	// OnSent is called with every message the fake accepts, after it
	// recorded it; nil for none.
	OnSent func(M)
	// MaxFileSize is the largest file an upload takes, in bytes; the
	// fake's default when zero or less.
	MaxFileSize int64

	defaultFile int64
}

// NewOptions returns the defaults: push retries of DefaultPushAttempts
// DefaultPushInterval apart, and uploads of at most maxFile bytes unless
// MaxFileSize says otherwise.
func NewOptions[M any](maxFile int64) Options[M] {
	return Options[M]{PushAttempts: DefaultPushAttempts, PushInterval: DefaultPushInterval, defaultFile: maxFile}
}

// Apply applies opts, a fake's Options, to o in order.
func Apply[O any, F ~func(*O)](o *O, opts []F) {
	for _, opt := range opts {
		opt(o)
	}
}

// FileCap returns the largest file an upload takes: MaxFileSize when
// positive, else the default NewOptions was given.
func (o *Options[M]) FileCap() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return o.defaultFile
}

// Sent calls OnSent with m, when there is one.
func (o *Options[M]) Sent(m M) {
	if o.OnSent != nil {
		o.OnSent(m)
	}
}

// Pusher returns a Pusher with the push retries of o (one attempt at
// least), whose posts time out after timeout; name names the fake in its
// errors.
func (o *Options[M]) Pusher(name string, timeout time.Duration, accepted func(status int) bool) *Pusher {
	return NewPusher(name, o.PushAttempts, o.PushInterval, timeout, accepted)
}
