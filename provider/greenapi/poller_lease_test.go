package greenapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestPollersShareALease: two pollers of one instance on a shared Locker
// take turns: only the lease holder receives, and when it stops the other
// takes over.
func TestPollersShareALease(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(10*time.Millisecond))
	c := newClient(t, srv)
	locker := cardbot.NewMemoryLocker()
	opts := fastPolling
	opts.Locker, opts.LeaseTTL = locker, 150*time.Millisecond

	first, second := &apitest.Recorder{}, &apitest.Recorder{}
	run := func(d greenapi.Dispatcher) (stop func() error) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- greenapi.NewPoller(c, d, opts).Run(ctx) }()
		return func() error { cancel(); return <-done }
	}
	stopFirst := run(first)
	require.Eventually(t, func() bool { return len(methods(srv)) > 0 }, 5*time.Second, time.Millisecond, "the first poller polls")
	stopSecond := run(second)

	for range 3 {
		srv.Enqueue(fixture(t, "incoming_text.json"))
	}
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 5*time.Second, time.Millisecond)
	time.Sleep(opts.LeaseTTL / 2) // the second poller has tried for the lease meanwhile
	assert.Len(t, first.Updates(), 3, "the lease holder received every notification")
	assert.Empty(t, second.Updates(), "the other one never polled")

	require.ErrorIs(t, stopFirst(), context.Canceled) // releases the lease
	srv.Enqueue(fixture(t, "incoming_contact.json"))
	require.Eventually(t, func() bool { return len(second.Updates()) == 1 }, 5*time.Second, time.Millisecond,
		"the second poller takes over")
	require.ErrorIs(t, stopSecond(), context.Canceled)
	assert.Len(t, first.Updates(), 3)
}
