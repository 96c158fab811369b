package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cardbot/cardbot/store"
	bolt "go.etcd.io/bbolt"
)

// DedupStore is the store.DedupStore of a DB. A key's mark is its state
// (in flight or done) and when that state expires: in flight for
// Options.InFlightLease, done for Options.DedupTTL. An expired mark counts
// as none, and is deleted a few at a time by later calls and all at once
// by Open.
//
// Begin of a key handled or in flight costs a read transaction; Begin of a
// new key and End each cost one fsync'd transaction.
type DedupStore struct {
	db *DB
}

var _ store.DedupStore = (*DedupStore)(nil)

// The states of a mark, its first byte; its last 8 are its expiry.
const (
	markInFlight = 1
	markDone     = 2
)

func markValue(state byte, exp int64) []byte {
	return binary.BigEndian.AppendUint64(append(make([]byte, 0, 9), state), uint64(exp))
}

// state returns what the mark v says at now.
func state(v []byte, now int64) (store.DedupState, bool) {
	if len(v) != 9 || expiry(v) <= now {
		return store.DedupNew, false
	}
	if v[0] == markDone {
		return store.DedupDone, true
	}
	return store.DedupInFlight, true
}

// errMarked rolls back a Begin that found the key marked meanwhile.
var errMarked = fmt.Errorf("%w: marked", errRollback)

// Begin implements store.DedupStore.
func (s *DedupStore) Begin(ctx context.Context, key string) (store.DedupState, error) {
	if err := ctx.Err(); err != nil {
		return store.DedupNew, fmt.Errorf("boltstore: dedup begin: %w", err)
	}
	if key == "" {
		return store.DedupNew, errors.New("boltstore: dedup begin: empty key")
	}
	k := []byte(key)
	now := s.db.now().UnixNano()
	var st store.DedupState
	var marked bool
	err := s.db.view("dedup begin", func(tx *bolt.Tx) error {
		st, marked = state(tx.Bucket(bucketHandled).Get(k), now)
		return nil
	})
	if err != nil || marked {
		return st, err
	}
	err = s.db.update("dedup begin", func(tx *bolt.Tx) error {
		if st, marked = state(tx.Bucket(bucketHandled).Get(k), now); marked {
			return errMarked
		}
		exp := now + int64(s.db.opts.InFlightLease)
		if err := setMark(tx, bucketHandled, bucketHandledExp, k, markValue(markInFlight, exp), exp); err != nil {
			return err
		}
		_, err := purge(tx, bucketHandled, bucketHandledExp, now, purgeBatch)
		return err
	})
	switch {
	case errors.Is(err, errMarked):
		return st, nil
	case err != nil:
		return store.DedupNew, err
	}
	return store.DedupNew, nil
}

// End implements store.DedupStore. A key not in flight (never begun,
// ended already, or whose lease expired) is left as it is.
func (s *DedupStore) End(_ context.Context, key string, handled bool) error {
	if key == "" {
		return errors.New("boltstore: dedup end: empty key")
	}
	k := []byte(key)
	now := s.db.now().UnixNano()
	err := s.db.update("dedup end", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHandled)
		if st, ok := state(b.Get(k), now); !ok || st != store.DedupInFlight {
			return errRollback
		}
		if !handled {
			// Its index key stays until its expiry, and then finds no mark.
			return b.Delete(k)
		}
		exp := now + int64(s.db.opts.DedupTTL)
		if err := setMark(tx, bucketHandled, bucketHandledExp, k, markValue(markDone, exp), exp); err != nil {
			return err
		}
		_, err := purge(tx, bucketHandled, bucketHandledExp, now, purgeBatch)
		return err
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}
