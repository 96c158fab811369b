package boltstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/cardbot/cardbot/store"
)

// TestDecodeDeadBadEntry: a dead letter whose frame decodes but whose
// entry does not is refused, naming the dead letter.
func TestDecodeDeadBadEntry(t *testing.T) {
	t.Parallel()
	_, err := decodeDead("7", encodeDead([]byte{9, 9, 9}, "why", time.Unix(1, 0)))
	require.ErrorIs(t, err, errEncoding)
	assert.ErrorContains(t, err, "dead letter 7")
}

func TestSeqOf(t *testing.T) {
	t.Parallel()
	assert.Equal(t, uint64(42), seqOf(u64(42)))
	assert.Equal(t, uint64(1<<64-1), seqOf(u64(1<<64-1)))
	for _, k := range [][]byte{nil, {}, {1, 2, 3}, make([]byte, 9)} {
		assert.Zero(t, seqOf(k), "%q", k)
	}
}

// TestCorruptDeadLetter: a dead letter that does not decode fails
// DeadLetters and Replay (which leaves it where it is), and can still be
// dropped, which is how an operator gets rid of it.
func TestCorruptDeadLetter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value []byte
	}{
		{"frame", []byte{9}},
		{"entry", encodeDead([]byte{9, 9, 9}, "why", time.Unix(1, 0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testDB(t, Options{NoSync: true})
			q := db.Queue()
			ctx := t.Context()
			require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
				if err := tx.Bucket(bucketDead).Put(u64(5), tt.value); err != nil {
					return err
				}
				return setDeadCount(tx, 1)
			}))

			_, err := q.DeadLetters(ctx, 10)
			require.ErrorIs(t, err, errEncoding)
			assert.ErrorContains(t, err, "dead letter 5")

			if tt.name == "frame" {
				err = q.Replay(ctx, "5")
				require.ErrorIs(t, err, errEncoding)
				assert.ErrorContains(t, err, "boltstore: replay: dead letter 5")
				assert.Equal(t, []int{1, 0}, counts(t, db, bucketDead, bucketQueue), "the dead letter stays, nothing is queued")
			}

			require.NoError(t, q.DropDeadLetter(ctx, "5"))
			assert.Equal(t, []int{0}, counts(t, db, bucketDead))
			list, err := q.DeadLetters(ctx, 10)
			require.NoError(t, err)
			assert.Empty(t, list)
		})
	}
}

// TestOnlyUndecodableEntries: when every entry Consume reads is
// undecodable, they all go to the dead letters and Consume waits for new
// entries, which it delivers.
func TestOnlyUndecodableEntries(t *testing.T) {
	t.Parallel()
	db := testDB(t, Options{NoSync: true})
	q := db.Queue()
	ctx := t.Context()
	const bad = consumeBatch + 3 // more than one read
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQueue)
		for range bad {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(u64(seq), []byte{9, 9, 9}); err != nil {
				return err
			}
		}
		return nil
	}))
	got := make(chan store.Delivery, 1)
	cctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- q.Consume(cctx, func(d store.Delivery) { got <- d }) }()
	for deadline := time.Now().Add(5 * time.Second); counts(t, db, bucketDead)[0] < bad; time.Sleep(10 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "every undecodable entry is dead lettered within 5 s")
	}
	assert.Equal(t, []int{0}, counts(t, db, bucketQueue))
	dead, err := q.DeadLetters(ctx, 2*bad)
	require.NoError(t, err)
	assert.Len(t, dead, bad)
	assert.Empty(t, got, "nothing delivered")

	_, err = q.Push(ctx, store.Entry{Provider: "p", ChatID: "c", Update: []byte("good")})
	require.NoError(t, err)
	select {
	case d := <-got:
		assert.Equal(t, "good", string(d.Update))
		assert.Equal(t, formatID(bad+1), d.ID)
		require.NoError(t, q.Ack(ctx, d))
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	stop()
	require.NoError(t, <-done)
}

// TestCorruptStateRecord: a conversation record that does not decode fails
// Load and Save, and Save leaves it as it is.
func TestCorruptStateRecord(t *testing.T) {
	t.Parallel()
	db := testDB(t, Options{NoSync: true})
	s := db.StateStore()
	ctx := t.Context()
	bad := []byte{1, 2, 3}
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketState).Put([]byte("conv"), bad)
	}))
	_, err := s.Load(ctx, "conv")
	require.ErrorContains(t, err, "boltstore: state load:")
	v, err := s.Save(ctx, "conv", store.StateRecord{State: "a"}, 0)
	require.ErrorContains(t, err, "boltstore: state save:")
	assert.NotErrorIs(t, err, store.ErrStateConflict)
	assert.Zero(t, v)
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		assert.Equal(t, bad, tx.Bucket(bucketState).Get([]byte("conv")))
		return nil
	}))
}
