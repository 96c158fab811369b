package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
)

// stores are what the bot keeps its state in, as STORE chose: the queue of
// async delivery, the dedup keys of sync delivery, and the send ledger
// that keeps a retried handling from sending again what it sent. nil
// fields are the bot's in-memory defaults.
type stores struct {
	queue  store.Queue
	dedup  store.DedupStore
	ledger store.SendLedger
	close  func() error
	// checkPersistence, when not nil, logs what the store's server would
	// lose on a restart (a Redis store's queue does it itself, when it
	// starts consuming and on each reconnect).
	checkPersistence func(ctx context.Context)
}

// openStores opens the store of cfg.
func openStores(cfg storeConfig, log *slog.Logger) (stores, error) {
	switch cfg.Kind {
	case storeFile:
		db, err := boltstore.Open(cfg.Path, boltstore.Options{Logger: log})
		if err != nil {
			return stores{}, fmt.Errorf("STORE file:%s: %w", cfg.Path, err)
		}
		return stores{queue: db.Queue(), dedup: db.DedupStore(), ledger: db.SendLedger(), close: db.Close}, nil
	case storeRedis:
		return openRedis(cfg, log)
	default:
		return stores{close: func() error { return nil }}, nil
	}
}
