package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/cardbot/cardbot/store"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Defaults of Options.
const (
	// DefaultInFlightLease is how long a DedupStore key stays in flight
	// when its End never comes (the process died while handling it).
	DefaultInFlightLease = 2 * time.Minute
	// DefaultDeadLetterLimit is how many dead letters a DB keeps; past it
	// the oldest go first.
	DefaultDeadLetterLimit = 10_000
	// DefaultOpenTimeout is how long Open waits for the file lock that
	// another process holds.
	DefaultOpenTimeout = time.Second
)

// Options configures Open. The zero value takes every default.
type Options struct {
	// DedupTTL is the dedup window: how long a pushed Key makes a later
	// Push of the same Provider and Key a duplicate, and how long the
	// DedupStore remembers a handled key. store.DefaultDedupTTL (24 h,
	// GREEN-API's redelivery window) when zero or less.
	DedupTTL time.Duration

	// InFlightLease is how long a key the DedupStore marked in flight
	// stays so without its End: after it, the key counts as neither
	// handled nor in flight, so that a crash while handling does not keep
	// the update from being handled again. DefaultInFlightLease when zero
	// or less. Keep it above the longest handling.
	InFlightLease time.Duration

	// DeadLetterLimit bounds the dead letters kept; when one more is
	// added, the oldest is deleted. DefaultDeadLetterLimit when zero or
	// less.
	DeadLetterLimit int

	// OpenTimeout is how long Open waits for the file's lock before it
	// gives up with ErrLocked. DefaultOpenTimeout when zero or less.
	OpenTimeout time.Duration

	// NoSync skips the fsync of every commit. For tests and benchmarks
	// only: it loses the crash guarantee. A commit is still written to
	// the file, so it outlives the death of the process (the operating
	// system still holds it), but not a crash of the operating system or
	// a power loss, after which the file may even be left corrupt.
	NoSync bool

	// Logger receives the few messages of the store: entries found
	// pending at Open, dead letters dropped past DeadLetterLimit, failed
	// acknowledgements. slog.Default() when nil.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.DedupTTL <= 0 {
		o.DedupTTL = store.DefaultDedupTTL
	}
	if o.InFlightLease <= 0 {
		o.InFlightLease = DefaultInFlightLease
	}
	if o.DeadLetterLimit <= 0 {
		o.DeadLetterLimit = DefaultDeadLetterLimit
	}
	if o.OpenTimeout <= 0 {
		o.OpenTimeout = DefaultOpenTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Errors of the store.
var (
	// ErrLocked means Open found the file locked: another process (or
	// another DB of this process) has it open.
	ErrLocked = errors.New("boltstore: file locked by another process")

	// ErrFormat means Open found a file that is not a boltstore file: not
	// a bbolt file at all, a corrupt one, a bbolt file of another
	// program, or one written by a newer boltstore.
	ErrFormat = errors.New("boltstore: not a boltstore file")

	// ErrClosed means the DB was closed.
	ErrClosed = errors.New("boltstore: closed")
)

// The buckets of the file, all at the top level.
var (
	bucketMeta       = []byte("meta")        // format and counters
	bucketQueue      = []byte("queue")       // seq → entry
	bucketDead       = []byte("dead")        // seq of the entry → dead letter
	bucketPushed     = []byte("pushed")      // provider "\x00" key → expiry: Push's dedup marks
	bucketPushedExp  = []byte("pushed-exp")  // expiry, provider "\x00" key → nothing
	bucketHandled    = []byte("handled")     // key → state, expiry: the DedupStore's marks
	bucketHandledExp = []byte("handled-exp") // expiry, key → nothing
	bucketState      = []byte("state")       // conversation key → record: the StateStore's
	bucketStateExp   = []byte("state-exp")   // expiry, conversation key → nothing
	bucketLedger     = []byte("ledger")      // update → its send records: the SendLedger's
	bucketLedgerExp  = []byte("ledger-exp")  // expiry, update → nothing

	// A file of format 1 without the state or ledger buckets gets them
	// at Open.
	allBuckets = [][]byte{bucketMeta, bucketQueue, bucketDead, bucketPushed, bucketPushedExp, bucketHandled, bucketHandledExp,
		bucketState, bucketStateExp, bucketLedger, bucketLedgerExp}

	keyFormat    = []byte("format")
	keyDeadCount = []byte("dead-count")

	// formatV1 names the layout above; a file of another layout is
	// refused, not misread.
	formatV1 = []byte("cardbot-boltstore 1")
)

// DB is a store in one bbolt file: a Queue, a DedupStore, a StateStore, a
// SendLedger and a Locker that share it. Its methods and those of its parts are safe for concurrent
// use.
type DB struct {
	bolt *bolt.DB
	path string
	opts Options
	log  *slog.Logger
	now  func() time.Time // time.Now; tests move it

	queue  *Queue
	dedup  *DedupStore
	locker *Locker
	state  *StateStore
	ledger *SendLedger

	closeOnce sync.Once
	closed    chan struct{}
	closeErr  error
}

// Open opens the store in the file at path, creating the file (mode 0600)
// when it does not exist. It fails with an error wrapping ErrLocked when
// another process holds the file for longer than Options.OpenTimeout, and
// with one wrapping ErrFormat when the file is not a boltstore file or is
// damaged (truncated, or with pages bbolt cannot follow: see the package
// doc). It deletes the expired dedup marks. The caller must Close the DB.
func Open(path string, opts Options) (*DB, error) {
	return open(path, opts, time.Now)
}

// open is Open with a clock.
func open(path string, opts Options, now func() time.Time) (*DB, error) {
	opts = opts.withDefaults()
	bdb, err := openBolt(path, opts)
	if err != nil {
		return nil, err
	}
	db := &DB{
		bolt:   bdb,
		path:   path,
		opts:   opts,
		log:    opts.Logger,
		now:    now,
		closed: make(chan struct{}),
	}
	if err := db.initChecked(); err != nil {
		_ = bdb.Close()
		if errors.Is(err, ErrFormat) {
			return nil, err
		}
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	db.queue = newQueue(db)
	db.dedup = &DedupStore{db: db}
	db.state = &StateStore{db: db}
	db.ledger = &SendLedger{db: db}
	db.locker = store.NewMemoryLocker()
	return db, nil
}

// init checks the layout of the file, or lays out a new one, purges the
// expired marks, and counts the dead letters again.
func (db *DB) init() error {
	var pending, dead uint64
	var purged int
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			if f := meta.Get(keyFormat); !bytes.Equal(f, formatV1) {
				return fmt.Errorf("%w: %s: format %q, want %q", ErrFormat, db.path, f, formatV1)
			}
		} else {
			var foreign []byte
			_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
				foreign = name
				return errors.New("stop")
			})
			if foreign != nil {
				return fmt.Errorf("%w: %s: a bbolt file of another program (bucket %q)", ErrFormat, db.path, foreign)
			}
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyFormat, formatV1); err != nil {
			return err
		}
		now := db.now().UnixNano()
		for _, b := range [][2][]byte{{bucketPushed, bucketPushedExp}, {bucketHandled, bucketHandledExp}, {bucketState, bucketStateExp},
			{bucketLedger, bucketLedgerExp}} {
			n, err := purge(tx, b[0], b[1], now, 0)
			if err != nil {
				return err
			}
			purged += n
		}
		pending, dead = keyCount(tx.Bucket(bucketQueue)), keyCount(tx.Bucket(bucketDead))
		return meta.Put(keyDeadCount, u64(dead))
	})
	if err != nil {
		return err
	}
	level := slog.LevelDebug
	if pending > 0 || dead > 0 {
		level = slog.LevelInfo
	}
	db.log.LogAttrs(context.Background(), level, "boltstore: opened",
		slog.String("path", db.path), slog.Uint64("pending", pending),
		slog.Uint64("dead_letters", dead), slog.Int("expired_marks_purged", purged))
	return nil
}

// Close closes the file. A Consume still running returns ErrClosed, and
// every later call of the DB and its parts (but the Locker, which keeps
// nothing in the file) fails with ErrClosed. Close the DB once Consume
// returned: an entry acknowledged after Close is delivered again after the
// next Open. Calling Close again returns the result of the first call.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.closed)
		if err := db.bolt.Close(); err != nil {
			db.closeErr = fmt.Errorf("boltstore: close %s: %w", db.path, err)
		}
	})
	return db.closeErr
}

// Path returns the path of the file.
func (db *DB) Path() string { return db.path }

// Queue returns the queue of the DB. Every call returns the same Queue.
func (db *DB) Queue() *Queue { return db.queue }

// DedupStore returns the dedup store of the DB. Every call returns the
// same DedupStore.
func (db *DB) DedupStore() *DedupStore { return db.dedup }

// StateStore returns the conversation state store of the DB. Every call
// returns the same StateStore.
func (db *DB) StateStore() *StateStore { return db.state }

// Locker returns the locker of the DB. Every call returns the same
// Locker.
func (db *DB) Locker() *Locker { return db.locker }

// keyCount counts the keys of b.
func keyCount(b *bolt.Bucket) uint64 {
	n := uint64(0)
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

// update runs fn in a write transaction: one fsync'd commit, or a rollback
// (no write at all) when fn returns an error.
func (db *DB) update(op string, fn func(*bolt.Tx) error) error {
	return db.wrap(op, db.bolt.Update(fn))
}

// view runs fn in a read transaction.
func (db *DB) view(op string, fn func(*bolt.Tx) error) error {
	return db.wrap(op, db.bolt.View(fn))
}

// wrap names the store and op in err, and turns bbolt's closed database
// into ErrClosed (which needs no more words). Errors of the store's own (sentinels of the interfaces,
// the rollback markers) pass as they are.
func (db *DB) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		return ErrClosed
	case errors.Is(err, errRollback):
		return err
	}
	return fmt.Errorf("boltstore: %s: %w", op, err)
}

// errRollback ends a write transaction that found nothing to write, so
// that it costs no commit (and no fsync).
var errRollback = errors.New("boltstore: nothing to write")

// purgeBatch is how many expired marks one Push, Begin or End deletes at
// most, besides its own work: each adds at most one mark, so the expired
// ones never pile up, and no call pays for many.
const purgeBatch = 8

// purge deletes up to limit (0: all) marks of the bucket marks whose
// expiry, in the index bucket, is not after now. An index key is the
// expiry, 8 bytes big endian, then the mark's key; a mark's value ends
// with its expiry. A mark set again since has a later expiry and stays.
func purge(tx *bolt.Tx, marks, index []byte, now int64, limit int) (int, error) {
	mb, ib := tx.Bucket(marks), tx.Bucket(index)
	c := ib.Cursor()
	n := 0
	for k, _ := c.First(); k != nil && (limit <= 0 || n < limit); k, _ = c.First() {
		if len(k) < 8 || int64(binary.BigEndian.Uint64(k)) > now {
			break
		}
		k = bytes.Clone(k)
		if v := mb.Get(k[8:]); v != nil && expiry(v) == int64(binary.BigEndian.Uint64(k)) {
			if err := mb.Delete(k[8:]); err != nil {
				return n, err
			}
		}
		if err := ib.Delete(k); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// setMark puts the mark key with value (which ends with its expiry exp)
// and its index key.
func setMark(tx *bolt.Tx, marks, index, key, value []byte, exp int64) error {
	if err := tx.Bucket(marks).Put(key, value); err != nil {
		return err
	}
	ik := make([]byte, 0, 8+len(key))
	ik = binary.BigEndian.AppendUint64(ik, uint64(exp))
	ik = append(ik, key...)
	return tx.Bucket(index).Put(ik, nil)
}

// expiry returns the expiry a mark's value ends with, in Unix nanoseconds,
// or 0 for a value too short.
func expiry(v []byte) int64 {
	if len(v) < 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v[len(v)-8:]))
}

// u64 returns n as 8 bytes big endian: the keys of the queue, whose order
// is then the order of n.
func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
}

// formatID and parseID convert a sequence number to an entry ID and back.
// parseID accepts only what formatID returns.
func formatID(seq uint64) string { return strconv.FormatUint(seq, 10) }

func parseID(id string) (uint64, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 || formatID(n) != id {
		return 0, false
	}
	return n, true
}
