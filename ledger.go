package cardbot

import (
	"context"
	"time"

	"github.com/cardbot/cardbot/store"
)

// Defaults of the send ledger.
const (
	// DefaultLedgerTTL is how long the sends recorded for an update are
	// kept after its last recorded send, when the update is not handled
	// for good before: GREEN-API redelivers for 24 hours.
	DefaultLedgerTTL = 24 * time.Hour
)

// LedgerConfig configures the send ledger of a bot (WithSendLedger).
type LedgerConfig struct {
	// Ledger records the sends of each handling (see store.SendLedger and
	// Bot.Dispatch). nil keeps the default: the ledger of the configured
	// store (see store.LedgerSource), else a store.MemorySendLedger, which
	// covers the bot's own retries and the redeliveries this process
	// gets, but not a restart.
	Ledger store.SendLedger

	// TTL is how long an update's records last after its last send when
	// the update is not handled for good before (DefaultLedgerTTL when
	// zero or less): keep it at least as long as the provider redelivers
	// and async delivery retries.
	TTL time.Duration
}

// WithSendLedger sets where and for how long the bot records the sends
// of each handling.
func WithSendLedger(cfg LedgerConfig) Option {
	return func(b *Bot) {
		if cfg.Ledger != nil {
			b.ledger = cfg.Ledger
		}
		if cfg.TTL > 0 {
			b.ledgerTTL = cfg.TTL
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
		src = b.eng // delivery's engine gives its queue's ledger
	}
	if s, ok := src.(store.LedgerSource); ok {
		if l := s.SendLedger(); l != nil {
			b.ledger = l
			return
		}
	}
	b.ledger = store.NewMemorySendLedger(store.DefaultLedgerSize)
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
