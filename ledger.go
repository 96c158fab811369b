package cardbot

import (
	"context"
	"time"
)

// Defaults of the send ledger.
const (
	// DefaultLedgerTTL is how long the sends recorded for an update are
	// kept after its last recorded send, when the update is not handled
	// for good before: GREEN-API redelivers for 24 hours.
	DefaultLedgerTTL = 24 * time.Hour
	// DefaultLedgerSize is how many updates the in-memory ledger of New
	// keeps records of; past it the records that expire first go.
	DefaultLedgerSize = 10_000
)

// SendLedger keeps, per update, the sends that a handling of the update
// completed, so that when the same update is handled again (the provider
// delivers it again after a 503, or async delivery tries it again) the
// sends already made are skipped and their recorded results returned, not
// made twice. See Context.SendOutgoing for how a send is named.
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
// are. When WithSendLedger is not given, New takes the ledger of the
// Engine in async mode (delivery's engine gives its queue's), or of the
// DedupStore (WithDedupStore) in sync mode, when it is a LedgerSource,
// so that the sends are recorded where the bot keeps the rest; else a
// MemorySendLedger of DefaultLedgerSize updates.
type LedgerSource interface {
	// SendLedger returns the store's send ledger.
	SendLedger() SendLedger
}

// WithSendLedger sets where the bot records the sends of each handling
// (see SendLedger and Bot.Dispatch). The default is the ledger of the
// configured store (see LedgerSource), else a MemorySendLedger, which
// covers the bot's own retries and the redeliveries this process gets,
// but not a restart. ttl is how long an update's records last after its
// last send when the update is not handled for good before
// (DefaultLedgerTTL when zero or less): keep it at least as long as the
// provider redelivers and async delivery retries. A nil ledger keeps the
// default.
func WithSendLedger(l SendLedger, ttl time.Duration) Option {
	return func(b *Bot) {
		if l != nil {
			b.ledger = l
		}
		if ttl > 0 {
			b.ledgerTTL = ttl
		}
	}
}

// pickLedger sets the default ledger of New when none was given.
func (b *Bot) pickLedger() {
	if b.ledgerTTL <= 0 {
		b.ledgerTTL = DefaultLedgerTTL
	}
	if b.ledger != nil {
		return
	}
	var src any = b.dedup
	if b.eng != nil {
		src = b.eng
	}
	if s, ok := src.(LedgerSource); ok {
		if l := s.SendLedger(); l != nil {
			b.ledger = l
			return
		}
	}
	b.ledger = NewMemorySendLedger(DefaultLedgerSize)
}

// ledgerKey names u in the send ledger: "" for an update without a Key,
// which keeps none.
func ledgerKey(u *Update) string {
	if u.Key == "" {
		return ""
	}
	return u.Provider + "\x00" + u.Key
}

// forgetSends deletes the records of u, under its ledger key, once it was
// handled for good. A failure only leaves them to expire.
func (b *Bot) forgetSends(u *Update, key string) {
	if key == "" || b.ledger == nil {
		return
	}
	if err := b.ledger.Forget(context.Background(), key); err != nil {
		b.logger.Warn("cardbot: send ledger: forgetting an update's sends failed; they expire",
			"provider", u.Provider, "chat", u.Chat.ID, "error", err)
	}
}
