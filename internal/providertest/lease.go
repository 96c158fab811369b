package providertest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
)

// LeaseTTL is the lease's time to live in PollersShareALease.
const LeaseTTL = 150 * time.Millisecond

// Polling describes a provider's poller and fake server to
// PollersShareALease.
type Polling struct {
	// Run returns the Run of a new poller of one account that feeds d,
	// with locker and LeaseTTL, polling at once after an empty poll.
	Run func(d *apitest.Recorder, locker cardbot.Locker) func(context.Context) error
	// Polled reports whether a poll reached the server.
	Polled func() bool
	// Enqueue adds an update to what the server's polls answer.
	Enqueue func()
	// Pending returns how many updates the server still holds.
	Pending func() int
}

// PollersShareALease checks that two pollers of one account on a shared
// Locker take turns: only the lease holder polls, and when it stops the
// other takes over.
func PollersShareALease(t *testing.T, p Polling) {
	locker := cardbot.NewMemoryLocker()
	first, second := &apitest.Recorder{}, &apitest.Recorder{}
	stopFirst := apitest.Run(t, p.Run(first, locker))
	require.Eventually(t, p.Polled, 5*time.Second, time.Millisecond, "the first poller polls")
	stopSecond := apitest.Run(t, p.Run(second, locker))

	for range 3 {
		p.Enqueue()
	}
	require.Eventually(t, func() bool { return len(first.Updates()) == 3 && p.Pending() == 0 }, 5*time.Second, time.Millisecond)
	time.Sleep(LeaseTTL / 2) // the second poller has tried for the lease meanwhile
	assert.Empty(t, second.Updates(), "the other one never polled")

	require.ErrorIs(t, stopFirst(), context.Canceled) // releases the lease
	p.Enqueue()
	require.Eventually(t, func() bool { return len(second.Updates()) == 1 }, 5*time.Second, time.Millisecond,
		"the second poller takes over")
	require.ErrorIs(t, stopSecond(), context.Canceled)
	assert.Len(t, first.Updates(), 3)
}
