package greenapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/internal/providertest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestPollersShareALease: two pollers of one instance on a shared Locker
// take turns: only the lease holder receives, and when it stops the other
// takes over.
func TestPollersShareALease(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxReceiveWait(10*time.Millisecond))
	c := newClient(t, srv)
	providertest.PollersShareALease(t, providertest.Polling{
		Run: func(d *apitest.Recorder, locker cardbot.Locker) func(context.Context) error {
			opts := fastPolling
			opts.Locker, opts.LeaseTTL = locker, providertest.LeaseTTL
			return greenapi.NewPoller(c, d, opts).Run
		},
		Polled:  func() bool { return len(srv.Calls()) > 0 },
		Enqueue: func() { srv.Enqueue(fixture(t, "incoming_text.json")) },
		Pending: srv.Pending,
	})
}
