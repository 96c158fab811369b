package cardbot

import (
	"context"
	"errors"
)

// errLeaseLost fails a send that an async handling starts after the
// queue gave its update's partition to another consumer.
var errLeaseLost = Retryable(errors.New("cardbot: the queue gave the update's partition to another consumer"))

// sendContext returns the context a send of c runs in, and the function
// that releases it. It is c's, except that the loss of the update's lease
// (async delivery from a shared queue: Delivery.Owned ended) does not
// cancel a send under way: its request may have reached the provider
// already, and cancelling it would only leave unknown whether the message
// went. The handler's context still ends, so the handler stops after the
// send; the new owner handles the update again, and the send ledger skips
// what this handling recorded. A send that starts after the loss fails
// before any request. The handler timeout, the handler's own deadlines
// and Shutdown giving up still cancel a send.
func (c *Context) sendContext() (context.Context, func(), error) {
	if c.lease == nil {
		return c.ctx, func() {}, nil
	}
	if c.lease.Err() != nil {
		return nil, nil, errLeaseLost
	}
	base := context.WithoutCancel(c.ctx)
	cancelDeadline := context.CancelFunc(func() {})
	if dl, ok := c.ctx.Deadline(); ok {
		base, cancelDeadline = context.WithDeadline(base, dl)
	}
	ctx, cancel := context.WithCancelCause(base)
	stop := context.AfterFunc(c.ctx, func() {
		// A lease ends before the contexts made of it do, so a loss is
		// seen here.
		if c.lease.Err() == nil {
			cancel(context.Cause(c.ctx))
		}
	})
	return ctx, func() {
		stop()
		cancel(nil)
		cancelDeadline()
	}, nil
}
