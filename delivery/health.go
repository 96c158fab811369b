package delivery

import (
	"context"
	"errors"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/store"
)

// Ping is the check of the queue for cardbot.Bot.Ready: the queue's Ping,
// when it is a store.Pinger, and the last failure of a push while it
// holds (see PushFailureHold): a queue whose pushes fail is not ready
// even when it answers a ping (a full disk takes reads, not writes).
func (e *engine) Ping(ctx context.Context) error {
	var err error
	if p, ok := e.q.(store.Pinger); ok {
		err = p.Ping(ctx)
	}
	return errors.Join(err, e.pushes.failure())
}

// QueueDepth is the number of updates taken from the queue and not done:
// running, waiting for their turn behind their chat's or for a retry
// (cardbot.Gauges.QueueDepth).
func (e *engine) QueueDepth() int { return len(e.room) }

// SendLedger returns the send ledger of the queue when it keeps one
// (store.LedgerSource), else nil.
func (e *engine) SendLedger() store.SendLedger {
	if s, ok := e.q.(store.LedgerSource); ok {
		return s.SendLedger()
	}
	return nil
}

// The engine is what the bot asks of it.
var (
	_ cardbot.Engine        = (*engine)(nil)
	_ store.Pinger          = (*engine)(nil)
	_ cardbot.DepthReporter = (*engine)(nil)
	_ store.LedgerSource    = (*engine)(nil)
)
