package aitu_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// TestPollersShareALease: two pollers of one token on a shared Locker take
// turns: only the lease holder polls, and when it stops the other takes
// over.
func TestPollersShareALease(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
	c := newClient(t, srv)
	opts := fastPolling
	opts.Locker, opts.LeaseTTL = cardbot.NewMemoryLocker(), 150*time.Millisecond

	first, second := &apitest.Recorder{}, &apitest.Recorder{}
	stopFirst := runPoller(t, aitu.NewPoller(c, first, opts))
	require.Eventually(t, func() bool { return len(lastUpdateIDs(srv)) > 0 }, 5*time.Second, time.Millisecond, "the first poller polls")
	stopSecond := runPoller(t, aitu.NewPoller(c, second, opts))

	srv.Enqueue(srv.IncomingText(aitutest.Incoming{}, "one"), srv.IncomingText(aitutest.Incoming{}, "two"))
	require.Eventually(t, func() bool { return len(first.Updates()) == 2 }, 5*time.Second, time.Millisecond)
	time.Sleep(opts.LeaseTTL / 2)
	assert.Empty(t, second.Updates(), "the other one never polled")

	require.ErrorIs(t, stopFirst(), context.Canceled) // releases the lease
	srv.Enqueue(srv.IncomingText(aitutest.Incoming{}, "three"))
	require.Eventually(t, func() bool { return len(second.Updates()) >= 1 }, 5*time.Second, time.Millisecond,
		"the second poller takes over")
	require.ErrorIs(t, stopSecond(), context.Canceled)
	assert.Len(t, first.Updates(), 2)
}
