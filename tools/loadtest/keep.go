package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	cbstore "github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
)

// kept is what an in-process bot keeps its state in, or nil fields for
// the bot's defaults.
type kept struct {
	dedup cbstore.DedupStore // sync mode
	queue cbstore.Queue      // async mode
}

// keeper is what the bots of the shutdown phase share across the restart,
// as a persistent store would be: in sync mode a dedup store; in async
// mode, where the queue deduplicates, a queue file (boltstore, without
// fsync: the restart is graceful, no crash), closed by one bot and opened
// by the next.
type keeper struct {
	async bool
	dedup cbstore.DedupStore
	dir   string
	db    *boltstore.DB
}

func newKeeper(async bool) (*keeper, error) {
	k := &keeper{async: async, dedup: cbstore.NewMemoryDedupStore(cbstore.MemoryDedupConfig{Size: cbstore.DefaultDedupSize, TTL: time.Hour})}
	if !async {
		return k, nil
	}
	var err error
	if k.dir, err = os.MkdirTemp("", "cardbot-loadtest-shutdown-"); err != nil {
		return nil, fmt.Errorf("the queue's directory: %w", err)
	}
	return k, nil
}

// open returns the store of the next bot.
func (k *keeper) open() (kept, error) {
	if !k.async {
		return kept{dedup: k.dedup}, nil
	}
	db, err := boltstore.Open(filepath.Join(k.dir, "queue.db"), boltstore.Options{NoSync: true, Logger: discard})
	if err != nil {
		return kept{}, err
	}
	k.db = db
	return kept{queue: db.Queue()}, nil
}

// release closes the store of the bot that stopped.
func (k *keeper) release() error {
	if k.db == nil {
		return nil
	}
	err := k.db.Close()
	k.db = nil
	return err
}

// remove closes and deletes what the keeper holds.
func (k *keeper) remove() error {
	err := k.release()
	if k.dir != "" {
		if rerr := os.RemoveAll(k.dir); err == nil {
			err = rerr
		}
	}
	return err
}
