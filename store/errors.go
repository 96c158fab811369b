package store

// Errors of Queue.Push. Both are retryable: they have a method
// Retryable() bool that returns true, so cardbot.IsRetryable recognizes
// them, the webhook answers 503 and the provider delivers the update again
// later.
var (
	// ErrQueueFull means a bounded queue has no room; the entry was not
	// stored.
	ErrQueueFull error = &retryable{"cardbot: update queue is full"}

	// ErrInFlight means an entry with the same key is being pushed or
	// handled right now; this one was not stored.
	ErrInFlight error = &retryable{"cardbot: update with the same key is being handled"}
)

// retryable is the type of the retryable sentinel errors.
type retryable struct{ msg string }

func (e *retryable) Error() string { return e.msg }

// Retryable reports true: a later delivery of the same update may succeed.
func (e *retryable) Retryable() bool { return true }
