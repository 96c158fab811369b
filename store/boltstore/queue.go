package boltstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/cardbot/cardbot/store"
	bolt "go.etcd.io/bbolt"
)

// Queue is the store.Queue of a DB. Its entries are kept under a big
// endian sequence number (the bucket's NextSequence), so the order of the
// keys is the order of the pushes, and an entry's ID is that number in
// decimal.
//
// Consume delivers the entries in that order from a single goroutine (its
// caller's), so the entries of one chat reach deliver in order. It starts
// from the first entry stored each time it is called, which after Open
// means that the entries a previous process took and never acknowledged
// come first.
//
// Release, Ack and DeadLetter ignore the context they are given: each is
// one short transaction that cannot be cancelled, and an end of an entry
// lost to a cancellation would only repeat its handling.
type Queue struct {
	db   *DB
	wake chan struct{} // capacity 1: an entry pushed, or one ended

	mu        sync.Mutex
	consuming bool
	inflight  map[uint64]struct{} // delivered and not ended
	redo      []uint64            // released, to deliver again, ascending
}

var _ store.Queue = (*Queue)(nil)

func newQueue(db *DB) *Queue {
	return &Queue{db: db, wake: make(chan struct{}, 1), inflight: make(map[uint64]struct{})}
}

// signal wakes Consume, if it waits.
func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// errDuplicate rolls back the transaction of a duplicate Push.
var errDuplicate = fmt.Errorf("%w: duplicate", errRollback)

// Push implements store.Queue: one fsync'd transaction that checks
// and sets the dedup mark of e's Provider and Key and stores e. A
// duplicate costs a read transaction only. It stores e.Pushed, or the time
// of the Push when e.Pushed is zero.
func (q *Queue) Push(ctx context.Context, e store.Entry) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("boltstore: push: %w", err)
	}
	now := q.db.now()
	pushed := e.Pushed
	if pushed.IsZero() {
		pushed = now
	}
	var mark []byte
	if e.Key != "" {
		mark = make([]byte, 0, len(e.Provider)+1+len(e.Key))
		mark = append(append(append(mark, e.Provider...), 0), e.Key...)
		// A duplicate needs no write transaction: no waiting for the
		// commits of others.
		dup := false
		err := q.db.view("push", func(tx *bolt.Tx) error {
			dup = expiry(tx.Bucket(bucketPushed).Get(mark)) > now.UnixNano()
			return nil
		})
		if err != nil || dup {
			return false, err
		}
	}
	value := encodeEntry(&e, pushed)
	err := q.db.update("push", func(tx *bolt.Tx) error {
		if mark != nil {
			if expiry(tx.Bucket(bucketPushed).Get(mark)) > now.UnixNano() {
				return errDuplicate // pushed meanwhile
			}
			exp := now.Add(q.db.opts.DedupTTL).UnixNano()
			if err := setMark(tx, bucketPushed, bucketPushedExp, mark, u64(uint64(exp)), exp); err != nil {
				return err
			}
		}
		b := tx.Bucket(bucketQueue)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(u64(seq), value); err != nil {
			return err
		}
		_, err = purge(tx, bucketPushed, bucketPushedExp, now.UnixNano(), purgeBatch)
		return err
	})
	switch {
	case errors.Is(err, errDuplicate):
		return false, nil
	case err != nil:
		return false, err
	}
	q.signal()
	return true, nil
}

// consumeBatch is how many entries Consume reads in one transaction.
const consumeBatch = 64

// stored is an entry read by Consume.
type stored struct {
	seq   uint64
	entry store.Entry
}

// Consume implements store.Queue. Entries are delivered in the order of
// their keys from the first one stored, then as they are pushed; an entry
// is delivered once in a Consume, unless it is released.
//
// A Release puts the entry back to its place: before Consume delivers
// anything more, it delivers again the released entries, in the order of
// their keys, and only then goes on where it was. Since every entry after
// a released one and before where Consume was has been delivered (and is
// ended, or in flight and not delivered again), this is the same as going
// back to the released entry and reading on from there, skipping what is
// in flight: the released entry comes before every later entry of its
// chat that is delivered after the Release, and so do several released
// entries of one chat, in their order.
//
// When ctx ends, Consume delivers nothing more, not even a released
// entry (it stays stored for the next Open), waits until every entry it
// delivered is ended, and returns nil. It returns ErrClosed when the DB is
// closed meanwhile, at once.
//
// Only one Consume may run at a time; another call returns an error at
// once. Once it returned, Consume may be called again: it starts from the
// first entry stored again, and skips the entries still in flight (an
// earlier Consume returned an error, and the caller still handles them).
func (q *Queue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	q.mu.Lock()
	if q.consuming {
		q.mu.Unlock()
		return errors.New("boltstore: consume: another Consume of the queue is running")
	}
	q.consuming = true
	q.redo = q.redo[:0] // a new Consume delivers them anyway
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.consuming = false
		q.mu.Unlock()
	}()

	var (
		next  uint64 // the first key not read yet
		batch []stored
	)
	for {
		select {
		case <-q.db.closed:
			return ErrClosed
		default:
		}
		if ctx.Err() != nil {
			return q.drain()
		}

		q.mu.Lock()
		var again uint64
		if len(q.redo) > 0 {
			again = q.redo[0]
			q.redo = q.redo[1:]
		}
		q.mu.Unlock()
		if again != 0 {
			s, ok, err := q.get(again)
			if err != nil {
				return err
			}
			if ok && ctx.Err() == nil { // else it waits for the next Open
				q.deliver(s, deliver)
			}
			continue
		}

		if len(batch) == 0 {
			var err error
			if batch, err = q.fetch(next); err != nil {
				return err
			}
			if len(batch) == 0 {
				select {
				case <-q.wake:
				case <-ctx.Done():
				case <-q.db.closed:
				}
				continue
			}
		}
		s := batch[0]
		batch[0] = stored{}
		batch = batch[1:]
		next = s.seq + 1
		q.deliver(s, deliver)
	}
}

// deliver marks s in flight and hands it to f, unless it is in flight
// already: delivered by an earlier Consume that failed, and not ended.
func (q *Queue) deliver(s stored, f func(store.Delivery)) {
	q.mu.Lock()
	_, held := q.inflight[s.seq]
	q.inflight[s.seq] = struct{}{}
	q.mu.Unlock()
	if !held {
		f(store.Delivery{Entry: s.entry})
	}
}

// drain waits until no delivered entry is in flight.
func (q *Queue) drain() error {
	for {
		q.mu.Lock()
		n := len(q.inflight)
		q.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-q.wake:
		case <-q.db.closed:
			return ErrClosed
		}
	}
}

// fetch reads up to consumeBatch entries from key from on. An entry it
// cannot decode is moved to the dead letters, so that it blocks nothing.
func (q *Queue) fetch(from uint64) ([]stored, error) {
	var (
		batch []stored
		bad   []uint64
		why   []error
	)
	err := q.db.view("consume", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQueue).Cursor()
		for k, v := c.Seek(u64(from)); k != nil && len(batch)+len(bad) < consumeBatch; k, v = c.Next() {
			seq := seqOf(k)
			e, err := decodeEntry(formatID(seq), v)
			if err != nil {
				bad, why = append(bad, seq), append(why, err)
				continue
			}
			batch = append(batch, stored{seq: seq, entry: e})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, seq := range bad {
		q.db.log.LogAttrs(context.Background(), slog.LevelError, "boltstore: undecodable entry moved to the dead letters",
			slog.String("id", formatID(seq)), slog.Any("error", why[i]))
		if err := q.bury(seq, "boltstore: undecodable entry: "+why[i].Error()); err != nil {
			return nil, err
		}
	}
	if len(bad) > 0 && len(batch) == 0 {
		return q.fetch(bad[len(bad)-1] + 1)
	}
	return batch, nil
}

// get reads the entry seq, if it is still stored.
func (q *Queue) get(seq uint64) (stored, bool, error) {
	var (
		s  stored
		ok bool
	)
	err := q.db.view("consume", func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketQueue).Get(u64(seq))
		if v == nil {
			return nil
		}
		e, err := decodeEntry(formatID(seq), v)
		if err != nil {
			return err
		}
		s, ok = stored{seq: seq, entry: e}, true
		return nil
	})
	return s, ok, err
}

func seqOf(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return uint64(k[0])<<56 | uint64(k[1])<<48 | uint64(k[2])<<40 | uint64(k[3])<<32 |
		uint64(k[4])<<24 | uint64(k[5])<<16 | uint64(k[6])<<8 | uint64(k[7])
}

// end takes seq out of the entries in flight; when released, it is to be
// delivered again.
func (q *Queue) end(seq uint64, released bool) {
	q.mu.Lock()
	if _, ok := q.inflight[seq]; ok {
		delete(q.inflight, seq)
		if released {
			i, _ := slices.BinarySearch(q.redo, seq)
			q.redo = slices.Insert(q.redo, i, seq)
		}
	}
	q.mu.Unlock()
	q.signal()
}

// Ack implements store.Queue: one fsync'd transaction that deletes
// the entry. Acknowledging an entry no longer stored does nothing. When
// the transaction fails, the entry still counts as ended for the running
// Consume (it is not delivered again by it, which would repeat its
// handling each time), but it stays stored, and is delivered again after
// the next Open.
func (q *Queue) Ack(_ context.Context, d store.Delivery) error {
	seq, ok := parseID(d.ID)
	if !ok {
		return fmt.Errorf("boltstore: ack: malformed entry ID %q", d.ID)
	}
	defer q.end(seq, false)
	err := q.db.update("ack", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQueue)
		if b.Get(u64(seq)) == nil {
			return errRollback
		}
		return b.Delete(u64(seq))
	})
	if err != nil && !errors.Is(err, errRollback) {
		q.db.log.LogAttrs(context.Background(), slog.LevelError, "boltstore: ack failed, the entry will be delivered again after a restart",
			slog.String("id", d.ID), slog.Any("error", err))
		return err
	}
	return nil
}

// Release implements store.Queue. It writes nothing: the entry is still
// stored. The running Consume delivers it again before anything else; after
// Consume's ctx ended, it is delivered after the next Open.
func (q *Queue) Release(_ context.Context, d store.Delivery) error {
	seq, ok := parseID(d.ID)
	if !ok {
		return fmt.Errorf("boltstore: release: malformed entry ID %q", d.ID)
	}
	q.end(seq, true)
	return nil
}

// DeadLetter implements store.Queue: one fsync'd transaction that
// moves the stored entry to the dead letters, under its ID, and deletes the
// oldest dead letters past Options.DeadLetterLimit. An entry no longer
// stored is not dead lettered again.
func (q *Queue) DeadLetter(_ context.Context, d store.Delivery, reason string) error {
	seq, ok := parseID(d.ID)
	if !ok {
		return fmt.Errorf("boltstore: dead letter: malformed entry ID %q", d.ID)
	}
	defer q.end(seq, false)
	return q.bury(seq, reason)
}

// bury moves the entry seq to the dead letters.
func (q *Queue) bury(seq uint64, reason string) error {
	now := q.db.now()
	dropped := 0
	err := q.db.update("dead letter", func(tx *bolt.Tx) error {
		dropped = 0
		qb, db := tx.Bucket(bucketQueue), tx.Bucket(bucketDead)
		v := qb.Get(u64(seq))
		if v == nil {
			return errRollback
		}
		if _, err := decodeEntry("", v); err != nil {
			// Keep what can be kept, as the update.
			v = encodeEntry(&store.Entry{Update: v}, now)
		}
		if err := db.Put(u64(seq), encodeDead(v, reason, now)); err != nil {
			return err
		}
		if err := qb.Delete(u64(seq)); err != nil {
			return err
		}
		n := deadCount(tx) + 1
		for ; n > uint64(q.db.opts.DeadLetterLimit); n-- {
			c := db.Cursor()
			k, _ := c.First()
			if k == nil {
				break
			}
			if err := c.Delete(); err != nil {
				return err
			}
			dropped++
		}
		return setDeadCount(tx, n)
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	if err == nil && dropped > 0 {
		q.db.log.LogAttrs(context.Background(), slog.LevelWarn, "boltstore: oldest dead letters dropped",
			slog.Int("dropped", dropped), slog.Int("limit", q.db.opts.DeadLetterLimit))
	}
	return err
}

func deadCount(tx *bolt.Tx) uint64 {
	return seqOf(tx.Bucket(bucketMeta).Get(keyDeadCount))
}

func setDeadCount(tx *bolt.Tx, n uint64) error {
	return tx.Bucket(bucketMeta).Put(keyDeadCount, u64(n))
}

// DeadLetters implements store.Queue. A dead letter's ID is the ID its
// entry had in the queue; oldest first means in the order the entries
// were pushed. A limit of zero or less lists none.
func (q *Queue) DeadLetters(ctx context.Context, limit int) ([]store.DeadLetter, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("boltstore: dead letters: %w", err)
	}
	var list []store.DeadLetter
	if limit <= 0 {
		return list, nil
	}
	err := q.db.view("dead letters", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDead).Cursor()
		for k, v := c.First(); k != nil && len(list) < limit; k, v = c.Next() {
			d, err := decodeDead(formatID(seqOf(k)), v)
			if err != nil {
				return err
			}
			list = append(list, d)
		}
		return nil
	})
	return list, err
}

// Replay implements store.Queue: one fsync'd transaction that moves
// the dead letter to the end of the queue, under a new ID, as it was
// pushed (its Pushed is kept). It sets no dedup mark and checks none.
func (q *Queue) Replay(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: replay: %w", err)
	}
	seq, ok := parseID(id)
	if !ok {
		return fmt.Errorf("boltstore: replay %q: %w", id, store.ErrNoDeadLetter)
	}
	err := q.db.update("replay", func(tx *bolt.Tx) error {
		db, qb := tx.Bucket(bucketDead), tx.Bucket(bucketQueue)
		v := db.Get(u64(seq))
		if v == nil {
			return fmt.Errorf("%q: %w", id, store.ErrNoDeadLetter)
		}
		entry, _, _, err := splitDead(v)
		if err != nil {
			return fmt.Errorf("dead letter %s: %w", id, err)
		}
		next, err := qb.NextSequence()
		if err != nil {
			return err
		}
		if err := qb.Put(u64(next), entry); err != nil {
			return err
		}
		if err := db.Delete(u64(seq)); err != nil {
			return err
		}
		return setDeadCount(tx, deadCount(tx)-1)
	})
	if err != nil {
		return err
	}
	q.signal()
	return nil
}

// DropDeadLetter implements store.Queue: one fsync'd transaction.
func (q *Queue) DropDeadLetter(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: drop dead letter: %w", err)
	}
	seq, ok := parseID(id)
	if !ok {
		return fmt.Errorf("boltstore: drop dead letter %q: %w", id, store.ErrNoDeadLetter)
	}
	return q.db.update("drop dead letter", func(tx *bolt.Tx) error {
		db := tx.Bucket(bucketDead)
		if db.Get(u64(seq)) == nil {
			return fmt.Errorf("%q: %w", id, store.ErrNoDeadLetter)
		}
		if err := db.Delete(u64(seq)); err != nil {
			return err
		}
		return setDeadCount(tx, deadCount(tx)-1)
	})
}
