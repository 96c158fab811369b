package cardbottest

import (
	"sync"

	"github.com/cardbot/cardbot"
)

// Instance is a Provider that also reports the status of its account at
// the messenger's service (cardbot.InstanceReporter), as GREEN-API's
// client does: the bot's readiness and gauges read it. A test sets the
// status with SetInstanceStatus. It is safe for concurrent use.
type Instance struct {
	*Provider

	mu sync.Mutex
	st cardbot.InstanceStatus
}

var _ cardbot.InstanceReporter = (*Instance)(nil)

// NewInstance returns an Instance named name (DefaultProvider when empty)
// whose status is st.
func NewInstance(name string, st cardbot.InstanceStatus) *Instance {
	return &Instance{Provider: NewProvider(name), st: st}
}

// InstanceStatus returns the status last set.
func (i *Instance) InstanceStatus() cardbot.InstanceStatus {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.st
}

// SetInstanceStatus sets the status InstanceStatus returns.
func (i *Instance) SetInstanceStatus(st cardbot.InstanceStatus) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.st = st
}
