package boltstore_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
)

// TestCancelledContext: the calls that take a context fail at once with
// its error when it has ended, and change nothing.
func TestCancelledContext(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	q, s := db.Queue(), db.StateStore()
	ctx := t.Context()
	_, err := q.Push(ctx, entry("c", "k", "u"))
	require.NoError(t, err)
	c := consume(t, q, 1)
	d := c.next()
	require.NoError(t, q.DeadLetter(ctx, d, "failed"))
	require.NoError(t, c.stop())
	_, err = s.Save(ctx, "conv", store.StateRecord{State: "a"}, 0)
	require.NoError(t, err)

	done, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"DeadLetters", func() error { _, err := q.DeadLetters(done, 10); return err }},
		{"Replay", func() error { return q.Replay(done, d.ID) }},
		{"DropDeadLetter", func() error { return q.DropDeadLetter(done, d.ID) }},
		{"state Load", func() error { _, err := s.Load(done, "conv"); return err }},
		{"state Save", func() error {
			rec, err := s.Load(ctx, "conv")
			require.NoError(t, err)
			rec.State = "b"
			_, err = s.Save(done, "conv", rec, 0)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, context.Canceled)
			assert.ErrorContains(t, err, "boltstore:")
		})
	}

	// Nothing changed: the dead letter is still there, the queue empty,
	// the conversation as it was.
	dead, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, d.ID, dead[0].ID)
	stored, err := boltstore.Stored(db)
	require.NoError(t, err)
	assert.Empty(t, stored)
	rec, err := s.Load(ctx, "conv")
	require.NoError(t, err)
	assert.Equal(t, "a", rec.State)
}

func TestStateSaveEmptyKey(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	s := db.StateStore()
	v, err := s.Save(t.Context(), "", store.StateRecord{State: "a"}, time.Minute)
	require.ErrorContains(t, err, "boltstore: state save: empty key")
	assert.Zero(t, v)
	rec, err := s.Load(t.Context(), "")
	require.NoError(t, err)
	assert.Equal(t, store.StateRecord{}, rec, "nothing stored")
}

// maxKey is bbolt's limit on the size of a key.
const maxKey = 32768

// TestKeyTooLarge: a key bbolt cannot store fails the call with bbolt's
// error, and nothing of it is written. With a key just below the limit, the
// record itself fits but its expiry index key (8 bytes longer) does not:
// the transaction is rolled back as a whole, so the call fails again the
// next time instead of finding a half-written mark.
func TestKeyTooLarge(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{NoSync: true})
	q, dd, s := db.Queue(), db.DedupStore(), db.StateStore()
	ctx := t.Context()
	for _, size := range []int{maxKey + 1, maxKey - 4} {
		key := strings.Repeat("k", size)
		t.Run(fmt.Sprintf("%d bytes/push", size), func(t *testing.T) {
			e := store.Entry{Provider: "p", ChatID: "c", Key: key, Update: []byte("u")}
			for range 2 {
				ok, err := q.Push(ctx, e)
				require.ErrorIs(t, err, bolterrors.ErrKeyTooLarge)
				assert.ErrorContains(t, err, "boltstore: push:")
				assert.False(t, ok)
			}
			stored, err := boltstore.Stored(db)
			require.NoError(t, err)
			assert.Empty(t, stored, "no entry without its dedup mark")
		})
		t.Run(fmt.Sprintf("%d bytes/dedup begin", size), func(t *testing.T) {
			for range 2 {
				st, err := dd.Begin(ctx, key)
				require.ErrorIs(t, err, bolterrors.ErrKeyTooLarge)
				assert.Equal(t, store.DedupNew, st)
			}
		})
		for _, ttl := range []time.Duration{0, time.Minute} {
			t.Run(fmt.Sprintf("%d bytes/state save, ttl %v", size, ttl), func(t *testing.T) {
				v, err := s.Save(ctx, key, store.StateRecord{State: "a"}, ttl)
				if size < maxKey && ttl == 0 {
					// Without expiry there is no index key: it fits.
					require.NoError(t, err)
					assert.NotZero(t, v)
					_, err = s.Save(ctx, key, store.StateRecord{Version: v}, 0) // delete it again
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, bolterrors.ErrKeyTooLarge)
				assert.Zero(t, v)
				rec, err := s.Load(ctx, key)
				require.NoError(t, err)
				assert.Equal(t, store.StateRecord{}, rec, "nothing stored")
			})
		}
	}

	// The DB works on.
	ok, err := q.Push(ctx, entry("c", "k", "u"))
	require.NoError(t, err)
	assert.True(t, ok)
}

// TestCloseWhileDraining: Close while Consume, its ctx ended, waits for an
// entry in flight: Consume returns ErrClosed at once, and the entry, never
// acknowledged, is delivered again after the next Open.
func TestCloseWhileDraining(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{NoSync: true})
	q := db.Queue()
	_, err := q.Push(t.Context(), entry("c", "k", "u"))
	require.NoError(t, err)
	c := consume(t, q, 1)
	d := c.next()
	c.cancel()
	select {
	case err := <-c.done:
		t.Fatalf("Consume returned %v with an entry in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, db.Close())
	require.ErrorIs(t, c.wait(), boltstore.ErrClosed)
	assert.ErrorIs(t, q.Ack(t.Context(), d), boltstore.ErrClosed)

	db = open(t, path, boltstore.Options{NoSync: true})
	c = consume(t, db.Queue(), 1)
	again := c.next()
	assert.Equal(t, d.Entry, again.Entry)
	ackAll(t, db.Queue(), []store.Delivery{again})
	require.NoError(t, c.stop())
}

// TestOpenDevice: a path that is no regular file, and that bbolt cannot
// sync, fails Open with an error that names the path and is not ErrFormat.
func TestOpenDevice(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("fdatasync of /dev/null fails on Linux")
	}
	db, err := boltstore.Open("/dev/null", boltstore.Options{Logger: quiet})
	require.Error(t, err)
	assert.Nil(t, db)
	assert.ErrorContains(t, err, "boltstore: open /dev/null:")
	assert.NotErrorIs(t, err, boltstore.ErrFormat)
	assert.NotErrorIs(t, err, boltstore.ErrLocked)
}
