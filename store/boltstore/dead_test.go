package boltstore_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeadLetters(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{})
	q := db.Queue()
	for i := range 4 {
		_, err := q.Push(t.Context(), entry("c"+strconv.Itoa(i%2), "k"+strconv.Itoa(i), "u"+strconv.Itoa(i)))
		require.NoError(t, err)
	}
	c := consume(t, q, 10)
	got := c.nextN(4)
	before := time.Now()
	require.NoError(t, q.DeadLetter(t.Context(), got[2], "third failed"))
	require.NoError(t, q.DeadLetter(t.Context(), got[0], "first failed"))
	ackAll(t, q, got[1:2])

	list, err := q.DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, got[0].Entry, list[0].Entry, "oldest first, the entry as it was")
	assert.Equal(t, "first failed", list[0].Reason)
	assert.Equal(t, got[2].Entry, list[1].Entry)
	assert.Equal(t, "third failed", list[1].Reason)
	for _, l := range list {
		assert.False(t, l.Failed.Before(before.Truncate(time.Microsecond)), "Failed %v", l.Failed)
		assert.False(t, l.Failed.After(time.Now()))
	}

	limited, err := q.DeadLetters(t.Context(), 1)
	require.NoError(t, err)
	assert.Equal(t, list[:1], limited)
	none, err := q.DeadLetters(t.Context(), 0)
	require.NoError(t, err)
	assert.Empty(t, none)

	// They outlive a restart.
	ackAll(t, q, got[3:])
	require.NoError(t, c.stop())
	require.NoError(t, db.Close())
	db = open(t, path, boltstore.Options{})
	q = db.Queue()
	again, err := q.DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	assert.Equal(t, list, again)

	// Replay puts one at the end of the queue, though its key was pushed.
	ok, err := q.Push(t.Context(), entry("c0", "k9", "u9"))
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, q.Replay(t.Context(), list[0].ID))
	ok, err = q.Push(t.Context(), entry("c0", "k0", "u0 again"))
	require.NoError(t, err)
	assert.False(t, ok, "the replay made its key no less a duplicate")
	require.ErrorIs(t, q.Replay(t.Context(), list[0].ID), store.ErrNoDeadLetter, "replayed already")

	c = consume(t, q, 10)
	back := c.nextN(2)
	assert.Equal(t, []string{"u9", "u0"}, updates(back))
	assert.Equal(t, list[0].Provider, back[1].Provider)
	assert.Equal(t, list[0].ChatID, back[1].ChatID)
	assert.Equal(t, list[0].Key, back[1].Key)
	assert.True(t, list[0].Pushed.Equal(back[1].Pushed), "Pushed is kept")
	assert.NotEqual(t, list[0].ID, back[1].ID, "a new place, a new ID")
	c.none()
	ackAll(t, q, back)
	require.NoError(t, c.stop())

	// Drop deletes one.
	require.NoError(t, q.DropDeadLetter(t.Context(), list[1].ID))
	require.ErrorIs(t, q.DropDeadLetter(t.Context(), list[1].ID), store.ErrNoDeadLetter)
	left, err := q.DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestNoDeadLetter(t *testing.T) {
	t.Parallel()
	db := open(t, tempPath(t), boltstore.Options{})
	q := db.Queue()
	_, err := q.Push(t.Context(), entry("c", "", "u"))
	require.NoError(t, err)
	for _, id := range []string{"", "1", "2", "abc", "01", "+1", "-1", "0", "18446744073709551616", " 1"} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			err := q.Replay(t.Context(), id)
			assert.ErrorIs(t, err, store.ErrNoDeadLetter)
			assert.ErrorContains(t, err, "boltstore:")
			assert.ErrorIs(t, q.DropDeadLetter(t.Context(), id), store.ErrNoDeadLetter)
		})
	}
	list, err := boltstore.Stored(db)
	require.NoError(t, err)
	assert.Len(t, list, 1, "entry 1 is queued, not dead")
}

func TestDeadLetterLimit(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{DeadLetterLimit: 3})
	q := db.Queue()
	for i := range 5 {
		_, err := q.Push(t.Context(), entry("c", "", strconv.Itoa(i)))
		require.NoError(t, err)
	}
	c := consume(t, q, 10)
	for _, d := range c.nextN(5) {
		require.NoError(t, q.DeadLetter(t.Context(), d, "r"))
	}
	require.NoError(t, c.stop())
	list, err := q.DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"3", "4", "5"}, ids(list), "the oldest went")

	// The count outlives a restart, and follows drops and replays.
	require.NoError(t, db.Close())
	db = open(t, path, boltstore.Options{DeadLetterLimit: 3})
	q = db.Queue()
	require.NoError(t, q.DropDeadLetter(t.Context(), "3"))
	require.NoError(t, q.Replay(t.Context(), "4"))
	c = consume(t, q, 10)
	for _, d := range c.nextN(1) {
		require.NoError(t, q.DeadLetter(t.Context(), d, "again"))
	}
	require.NoError(t, c.stop())
	list, err = q.DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"5", "6"}, ids(list))
}

func ids(list []store.DeadLetter) []string {
	s := make([]string, len(list))
	for i, d := range list {
		s[i] = d.ID
	}
	return s
}
