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

// StateStore is the store.StateStore of a DB: conversation state in the
// file, so that a conversation survives a restart and a crash. A record's
// version comes from the sequence of its bucket, which never goes back,
// so no version is given twice in the life of the file. An expired record
// counts as none, and is deleted a few at a time by later saves and all at
// once by Open, through an index by expiry like the dedup marks'.
//
// Load costs a read transaction; Save one fsync'd write transaction (a
// Save that loses its compare-and-set writes nothing).
type StateStore struct {
	db *DB
}

var _ store.StateStore = (*StateStore)(nil)

// A record's value is its version (8 bytes big endian), its state, update
// and data each as appendString writes them, then its expiry (8 bytes,
// Unix nanoseconds, 0 for never), last, as purge reads it.
func encodeState(rec store.StateRecord, exp int64) []byte {
	b := make([]byte, 0, 8+3*binary.MaxVarintLen32+len(rec.State)+len(rec.Update)+len(rec.Data)+8)
	b = binary.BigEndian.AppendUint64(b, rec.Version)
	b = appendString(b, rec.State)
	b = appendString(b, rec.Update)
	b = appendString(b, string(rec.Data))
	return binary.BigEndian.AppendUint64(b, uint64(exp))
}

// decodeState reads a record's value: the record, as of now (none when
// expired).
func decodeState(v []byte, now int64) (store.StateRecord, error) {
	if v == nil {
		return store.StateRecord{}, nil
	}
	if len(v) < 16 {
		return store.StateRecord{}, errors.New("a state record too short")
	}
	if exp := expiry(v); exp != 0 && exp <= now {
		return store.StateRecord{}, nil
	}
	rec := store.StateRecord{Version: binary.BigEndian.Uint64(v)}
	rest := v[8 : len(v)-8]
	var data string
	var ok1, ok2, ok3 bool
	rec.State, rest, ok1 = cutString(rest)
	rec.Update, rest, ok2 = cutString(rest)
	data, rest, ok3 = cutString(rest)
	if !ok1 || !ok2 || !ok3 || len(rest) != 0 {
		return store.StateRecord{}, errors.New("a state record that does not decode")
	}
	if data != "" {
		rec.Data = []byte(data)
	}
	return rec, nil
}

// Load implements store.StateStore.
func (s *StateStore) Load(ctx context.Context, key string) (store.StateRecord, error) {
	if err := ctx.Err(); err != nil {
		return store.StateRecord{}, fmt.Errorf("boltstore: state load: %w", err)
	}
	now := s.db.now().UnixNano()
	var rec store.StateRecord
	err := s.db.view("state load", func(tx *bolt.Tx) error {
		var err error
		rec, err = decodeState(tx.Bucket(bucketState).Get([]byte(key)), now)
		return err
	})
	return rec, err
}

// errStale rolls back a Save that lost its compare-and-set.
var errStale = fmt.Errorf("%w: stale", errRollback)

// Save implements store.StateStore.
func (s *StateStore) Save(ctx context.Context, key string, rec store.StateRecord, ttl time.Duration) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("boltstore: state save: %w", err)
	}
	if key == "" {
		return 0, errors.New("boltstore: state save: empty key")
	}
	k := []byte(key)
	now := s.db.now().UnixNano()
	var stored uint64
	var version uint64
	err := s.db.update("state save", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketState)
		cur, err := decodeState(b.Get(k), now)
		if err != nil {
			return err
		}
		if cur.Version != rec.Version {
			stored = cur.Version
			return errStale
		}
		if rec.State == "" && len(rec.Data) == 0 && rec.Update == "" {
			// Its index key stays until its expiry, and then finds no record.
			if err := b.Delete(k); err != nil {
				return err
			}
		} else {
			if version, err = b.NextSequence(); err != nil {
				return err
			}
			rec.Version = version
			var exp int64
			if ttl > 0 {
				exp = now + int64(ttl)
			}
			if exp == 0 {
				err = b.Put(k, encodeState(rec, 0))
			} else {
				err = setMark(tx, bucketState, bucketStateExp, k, encodeState(rec, exp), exp)
			}
			if err != nil {
				return err
			}
		}
		_, err = purge(tx, bucketState, bucketStateExp, now, purgeBatch)
		return err
	})
	if errors.Is(err, errStale) {
		return 0, fmt.Errorf("boltstore: state save: %w: key at version %d, not %d", store.ErrStateConflict, stored, rec.Version)
	}
	if err != nil {
		return 0, err
	}
	return version, nil
}
