package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cardbot/cardbot/store"
	bolt "go.etcd.io/bbolt"
)

// SendLedger is the store.SendLedger of a DB: the sends each handling
// completed, in the file, so that a restart (or kill -9) between two
// handlings of an update does not make them again. An update's records are
// one value: its slots and results, then its expiry, which every Record
// moves to ttl from then. Expired records count as none; later Records
// delete a few of them at a time, and Open all, through an index by
// expiry like the dedup marks'.
//
// Sends costs a read transaction; Record and Forget one fsync'd write
// transaction each.
type SendLedger struct {
	db *DB
}

var _ store.SendLedger = (*SendLedger)(nil)

// SendLedger returns the send ledger of the DB. Every call returns the
// same SendLedger.
func (db *DB) SendLedger() *SendLedger { return db.ledger }

// SendLedger returns the send ledger of the Queue's DB, so that a bot
// whose queue is q records its sends in the same file (see
// store.LedgerSource).
func (q *Queue) SendLedger() store.SendLedger { return q.db.ledger }

// SendLedger returns the send ledger of the DedupStore's DB (see
// store.LedgerSource).
func (s *DedupStore) SendLedger() store.SendLedger { return s.db.ledger }

// encodeSends writes an update's records: each slot and its result as
// appendString writes them, then the expiry (8 bytes, Unix nanoseconds),
// last, as purge reads it.
func encodeSends(slots map[string][]byte, exp int64) []byte {
	n := 8
	for s, r := range slots {
		n += len(s) + len(r) + 2*binary.MaxVarintLen32
	}
	b := make([]byte, 0, n)
	for s, r := range slots {
		b = appendString(b, s)
		b = appendString(b, string(r))
	}
	return binary.BigEndian.AppendUint64(b, uint64(exp))
}

// decodeSends reads an update's records as of now: none when they
// expired.
func decodeSends(v []byte, now int64) (map[string][]byte, error) {
	if v == nil {
		return nil, nil
	}
	if len(v) < 8 {
		return nil, errors.New("send records too short")
	}
	if expiry(v) <= now {
		return nil, nil
	}
	slots := make(map[string][]byte)
	for rest := v[:len(v)-8]; len(rest) > 0; {
		var s, r string
		var ok1, ok2 bool
		s, rest, ok1 = cutString(rest)
		r, rest, ok2 = cutString(rest)
		if !ok1 || !ok2 {
			return nil, errors.New("send records that do not decode")
		}
		slots[s] = []byte(r)
	}
	return slots, nil
}

// Sends implements store.SendLedger.
func (l *SendLedger) Sends(ctx context.Context, update string) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("boltstore: ledger sends: %w", err)
	}
	now := l.db.now().UnixNano()
	var slots map[string][]byte
	err := l.db.view("ledger sends", func(tx *bolt.Tx) error {
		var err error
		slots, err = decodeSends(tx.Bucket(bucketLedger).Get([]byte(update)), now)
		return err
	})
	return slots, err
}

// Record implements store.SendLedger.
func (l *SendLedger) Record(ctx context.Context, update, slot string, result []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: ledger record: %w", err)
	}
	if ttl <= 0 {
		return fmt.Errorf("boltstore: ledger record: ttl %v is not positive", ttl)
	}
	k := []byte(update)
	now := l.db.now().UnixNano()
	return l.db.update("ledger record", func(tx *bolt.Tx) error {
		slots, err := decodeSends(tx.Bucket(bucketLedger).Get(k), now)
		if err != nil {
			return err
		}
		if slots == nil {
			slots = make(map[string][]byte, 1)
		}
		slots[slot] = result
		exp := now + int64(ttl)
		if err := setMark(tx, bucketLedger, bucketLedgerExp, k, encodeSends(slots, exp), exp); err != nil {
			return err
		}
		_, err = purge(tx, bucketLedger, bucketLedgerExp, now, purgeBatch)
		return err
	})
}

// Forget implements store.SendLedger. The update's index key stays
// until its expiry, and then finds no records.
func (l *SendLedger) Forget(ctx context.Context, update string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: ledger forget: %w", err)
	}
	k := []byte(update)
	err := l.db.update("ledger forget", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		if b.Get(k) == nil {
			return errNothing
		}
		return b.Delete(k)
	})
	if errors.Is(err, errNothing) {
		return nil
	}
	return err
}

// errNothing rolls back a Forget that found nothing to delete: no commit,
// no fsync.
var errNothing = fmt.Errorf("%w: nothing to forget", errRollback)
