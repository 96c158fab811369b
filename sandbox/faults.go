package sandbox

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Faults are the faults set on one messenger's API, as the page's buttons
// set them (POST /sandbox/<messenger>/fault).
type Faults struct {
	// FailStatus is the status the next sends answer instead of reaching
	// the fake (429 or a 5xx); 0 for none.
	FailStatus int `json:"failStatus,omitempty"`
	// FailCount is how many sends still fail that way.
	FailCount int `json:"failCount,omitempty"`
	// SlowMillis, when positive, is a wait in milliseconds added to every
	// API call.
	SlowMillis int64 `json:"slowMs,omitempty"`
}

// FaultRequest is the body of POST /sandbox/<messenger>/fault.
type FaultRequest struct {
	// Fail makes the next sends answer this status: 429 (with Retry-After:
	// 1) or a status from 500 to 599.
	Fail int `json:"fail,omitempty"`
	// Count is how many sends fail; 1 when zero.
	Count int `json:"count,omitempty"`
	// Slow turns the slow API on (true) or off (false); unchanged when
	// absent.
	Slow *bool `json:"slow,omitempty"`
	// Clear removes every fault.
	Clear bool `json:"clear,omitempty"`
}

// ErrBadFault is returned for a FaultRequest the sandbox cannot play.
var ErrBadFault = fmt.Errorf("sandbox: bad fault: fail must be 429 or 500–599, count 0–100")

// faults is the fault state of one messenger, read by its transport.
type faults struct {
	mu    sync.Mutex
	state Faults
	delay time.Duration // what "slow" means
}

// apply changes the faults as r asks and returns the new state.
func (f *faults) apply(r FaultRequest) (Faults, error) {
	if r.Fail != 0 && r.Fail != http.StatusTooManyRequests && (r.Fail < 500 || r.Fail > 599) || r.Count < 0 || r.Count > 100 {
		return Faults{}, ErrBadFault
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Clear {
		f.state = Faults{}
	}
	if r.Fail != 0 {
		f.state.FailStatus, f.state.FailCount = r.Fail, max(r.Count, 1)
	}
	if r.Slow != nil {
		f.state.SlowMillis = 0
		if *r.Slow {
			f.state.SlowMillis = f.delay.Milliseconds()
		}
	}
	return f.state, nil
}

// get returns the current faults.
func (f *faults) get() Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

// take returns the status a send must fail with, using one up, or 0.
func (f *faults) take() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state.FailCount == 0 {
		return 0
	}
	f.state.FailCount--
	s := f.state.FailStatus
	if f.state.FailCount == 0 {
		f.state.FailStatus = 0
	}
	return s
}

// slow returns the wait to add to a call.
func (f *faults) slow() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Duration(f.state.SlowMillis) * time.Millisecond
}
