package boltstore

import (
	"sync"
	"time"

	"github.com/cardbot/cardbot/store"
	bolt "go.etcd.io/bbolt"
)

// Stored returns the entries in the queue, in order, for the tests.
func Stored(db *DB) ([]store.Entry, error) {
	var list []store.Entry
	err := db.view("stored", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketQueue).ForEach(func(k, v []byte) error {
			e, err := decodeEntry(formatID(seqOf(k)), v)
			list = append(list, e)
			return err
		})
	})
	return list, err
}

// Clock is a time that tests move.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at the time now.
func NewClock() *Clock { return &Clock{t: time.Now()} }

// Now returns the time of c.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves c on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// OpenWithClock is Open with a clock.
func OpenWithClock(path string, opts Options, now func() time.Time) (*DB, error) {
	return open(path, opts, now)
}
