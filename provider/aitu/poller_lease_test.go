package aitu_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/internal/providertest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// TestPollersShareALease: two pollers of one token on a shared Locker take
// turns: only the lease holder polls, and when it stops the other takes
// over.
func TestPollersShareALease(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(5*time.Millisecond))
	c := newClient(t, srv)
	var n int
	providertest.PollersShareALease(t, providertest.Polling{
		Run: func(d *apitest.Recorder, locker cardbot.Locker) func(context.Context) error {
			opts := fastPolling
			opts.Locker, opts.LeaseTTL = locker, providertest.LeaseTTL
			return aitu.NewPoller(c, d, opts).Run
		},
		Polled: func() bool { return len(lastUpdateIDs(srv)) > 0 },
		Enqueue: func() {
			n++
			srv.Enqueue(srv.IncomingText(aitutest.Incoming{}, fmt.Sprint("text ", n)))
		},
		Pending: srv.Pending,
	})
}
