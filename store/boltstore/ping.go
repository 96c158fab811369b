package boltstore

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/cardbot/cardbot/store"
)

var (
	_ store.Pinger = (*Queue)(nil)
	_ store.Pinger = (*DedupStore)(nil)
)

// Ping reports whether the DB's file is open and readable: nil, or
// ErrClosed after Close.
func (db *DB) Ping(context.Context) error {
	return db.view("ping", func(*bolt.Tx) error { return nil })
}

// Ping reports whether the queue's DB answers (see DB.Ping).
func (q *Queue) Ping(ctx context.Context) error { return q.db.Ping(ctx) }

// Ping reports whether the dedup store's DB answers (see DB.Ping).
func (s *DedupStore) Ping(ctx context.Context) error { return s.db.Ping(ctx) }
