package store

import (
	"context"
	"time"
)

// DefaultLedgerSize is how many updates a MemorySendLedger keeps records
// of when its size is zero or less; past it the records that expire first
// go.
const DefaultLedgerSize = 10_000

// SendLedger keeps, per update, the sends that a handling of the update
// completed, so that when the same update is handled again (the provider
// delivers it again after a 503, or async delivery tries it again) the
// sends already made are skipped and their recorded results returned, not
// made twice. See cardbot.Context.SendOutgoing for how a send is named.
//
// The bot names an update by its provider's name and its Key joined by a
// zero byte, as a DedupStore sees it; updates without a Key keep no
// ledger. A result is opaque bytes that the bot encodes. Implementations
// must be safe for concurrent use. The package
// github.com/cardbot/cardbot/store/storetest holds the conformance suite
// (TestSendLedger) that every SendLedger must pass.
type SendLedger interface {
	// Sends returns the results recorded for update, by slot: none (an
	// empty or nil map) when it has none or they expired. The caller may
	// change the map it gets.
	Sends(ctx context.Context, update string) (map[string][]byte, error)

	// Record stores result under slot for update, replacing what the slot
	// held, and makes every record of update last ttl from now. It
	// returns only once the record is stored as durably as the ledger
	// stores anything. The ledger may keep result: the caller must not
	// change it after the Record.
	Record(ctx context.Context, update, slot string, result []byte, ttl time.Duration) error

	// Forget deletes every record of update (it was handled for good);
	// it does nothing when there are none.
	Forget(ctx context.Context, update string) error
}

// LedgerSource is a store that keeps a send ledger beside its other
// contracts: the Queue and the DedupStore of boltstore and redisstore
// are. When cardbot.WithSendLedger is not given, cardbot.New takes the ledger of
// delivery.Config.Queue in async mode, or of the DedupStore (cardbot.WithDedupStore)
// in sync mode, when it is a LedgerSource, so that the sends are
// recorded where the bot keeps the rest; else a MemorySendLedger of
// DefaultLedgerSize updates.
type LedgerSource interface {
	// SendLedger returns the store's send ledger.
	SendLedger() SendLedger
}
