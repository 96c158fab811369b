package cardbot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// Errors of dispatching. store.ErrQueueFull, ErrShuttingDown and store.ErrInFlight are
// retryable: IsRetryable reports true for them, so a webhook answers 503 and
// the provider delivers the update again later.
var (

	// ErrShuttingDown means Shutdown was called; the update was not taken.
	ErrShuttingDown error = &retryableSentinel{"cardbot: bot is shutting down"}
)

// Errors of async delivery.
var (
	// ErrDeadLettered wraps the error of an update's last attempt when async
	// delivery gave up on it and moved it to the queue's dead letters; the
	// error handler receives it.
	ErrDeadLettered = errors.New("cardbot: update dead lettered")
)

// Errors of sending and of reading contacts. They are returned wrapped; test
// them with errors.Is.
var (
	// ErrUnknownProvider means Bot.Send named a provider the bot does not
	// have (see WithProviders and Bot.AddProvider).
	ErrUnknownProvider = errors.New("cardbot: unknown provider")

	// ErrNoChat means the update has no chat to answer in.
	ErrNoChat = errors.New("cardbot: update has no chat")

	// ErrNoUsableNumber means a contact card has no phone number that could
	// be normalized, so it cannot be sent. The error that carries it also
	// wraps the first phone's Err (a *contactcard.PhoneError), when the card
	// has a phone at all.
	ErrNoUsableNumber = errors.New("cardbot: contact card has no usable phone number")

	// ErrNoDownloader means a document must be downloaded but the provider
	// does not implement Downloader.
	ErrNoDownloader = errors.New("cardbot: provider cannot download files")

	// ErrDocumentTooLarge means a downloaded document is over the size cap
	// (WithMaxDocumentSize, 1 MiB by default).
	ErrDocumentTooLarge = errors.New("cardbot: document over the size cap")

	// ErrUnsafeURL means a provider refused to download a document: its URL
	// (or a redirect's) is not http or https, or its host resolves to a
	// loopback, private, link-local, unspecified or multicast address while
	// the provider's own API is not on such an address. Not retryable.
	ErrUnsafeURL = errors.New("cardbot: unsafe download URL")

	// ErrTooManyRedirects means a document's download was redirected more
	// times than a provider follows. Not retryable.
	ErrTooManyRedirects = errors.New("cardbot: too many redirects")

	// ErrDownloadTimeout means a document's download, its body included,
	// took longer than the provider's download timeout.
	ErrDownloadTimeout = errors.New("cardbot: download timed out")
)

// retryableSentinel is the type of the retryable sentinel errors.
type retryableSentinel struct{ msg string }

func (e *retryableSentinel) Error() string   { return e.msg }
func (e *retryableSentinel) Retryable() bool { return true }

// Retryable marks err as retryable: IsRetryable reports true for the result
// and for every error that wraps it. A handler returns Retryable(err) when
// the update may succeed if the provider delivers it again (a database that
// is down, an upstream timeout); in sync mode the webhook then answers 503.
// Retryable(nil) is nil.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return &retryableError{err}
}

type retryableError struct{ err error }

func (e *retryableError) Error() string   { return e.err.Error() }
func (e *retryableError) Unwrap() error   { return e.err }
func (e *retryableError) Retryable() bool { return true }

// IsRetryable reports whether err, or an error it wraps, says that a later
// delivery of the same update may succeed. In order, the first that applies
// decides:
//
//   - an error in the chain with a method Retryable() bool (errors made by
//     Retryable, store.ErrQueueFull, ErrShuttingDown, store.ErrInFlight, and the
//     transient errors of providers: 429, 5xx, network) — its result;
//   - an error in the chain with a method Temporary() bool (net errors,
//     context.DeadlineExceeded) — its result;
//   - context.Canceled in the chain — true: the work was cut short, not
//     refused.
//
// Everything else, including a nil err and a *PanicError, is not retryable.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	return errors.Is(err, context.Canceled)
}

// PanicError is a panic recovered from a handler or a middleware. The
// dispatcher recovers every panic and reports it as a *PanicError to the
// error handler; it is never retryable.
type PanicError struct {
	// Value is the value the code panicked with.
	Value any
	// Stack is the stack of the panicking goroutine.
	Stack []byte
}

// NewPanicError returns a *PanicError for v with the current goroutine's
// stack. Call it in the deferred function that recovered v.
func NewPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Error returns the panic value and the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("cardbot: panic: %v\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Retryable reports false: a panic is a bug, and a redelivery would panic
// again.
func (e *PanicError) Retryable() bool { return false }
