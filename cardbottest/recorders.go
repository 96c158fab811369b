package cardbottest

import (
	"sync"

	"github.com/cardbot/cardbot"
)

// Errors is an error handler that keeps every error it gets, for a test
// to read: give its Handle to cardbot.WithErrorHandler. The zero value is
// ready to use; it is safe for concurrent use.
type Errors struct {
	mu   sync.Mutex
	errs []error
}

// Handle keeps err. Its signature is cardbot.WithErrorHandler's.
func (e *Errors) Handle(_ *cardbot.Context, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs = append(e.errs, err)
}

// Get returns the errors kept so far, in the order they came.
func (e *Errors) Get() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

// Observations is a cardbot.Observer that keeps what it is told, for a
// test to read: give it to cardbot.WithObserver. The zero value is ready to
// use; it is safe for concurrent use.
type Observations struct {
	mu  sync.Mutex
	obs []cardbot.Observation
}

// Observe keeps o.
func (r *Observations) Observe(o cardbot.Observation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs = append(r.obs, o)
}

// Of returns the observations of kind k in the order they came, with
// their Duration and Lag zeroed, so that a test can compare them whole.
func (r *Observations) Of(k cardbot.ObservationKind) []cardbot.Observation {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []cardbot.Observation
	for _, o := range r.obs {
		if o.Kind == k {
			o.Duration, o.Lag = 0, 0
			out = append(out, o)
		}
	}
	return out
}
