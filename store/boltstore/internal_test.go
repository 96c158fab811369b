package boltstore

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestEncoding(t *testing.T) {
	t.Parallel()
	pushed := time.Unix(1_700_000_000, 42)
	tests := []store.Entry{
		{Provider: "greenapi", ChatID: "79001234567@c.us", Key: "k", Update: []byte(`{"a":1}`)},
		{Provider: "", ChatID: "", Key: "", Update: []byte("x")},
		{Provider: "p\x00q", ChatID: string(make([]byte, 300)), Key: "ключ", Update: make([]byte, 70_000)},
	}
	for _, e := range tests {
		v := encodeEntry(&e, pushed)
		got, err := decodeEntry("7", v)
		require.NoError(t, err)
		e.ID, e.Pushed = "7", pushed
		assert.Equal(t, e, got)

		d, err := decodeDead("7", encodeDead(v, "why\x00not", pushed.Add(time.Second)))
		require.NoError(t, err)
		assert.Equal(t, e, d.Entry)
		assert.Equal(t, "why\x00not", d.Reason)
		assert.True(t, pushed.Add(time.Second).Equal(d.Failed))

		// Every cut of a value is refused or decoded, never a panic.
		for n := range min(len(v), 40) {
			_, _ = decodeEntry("7", v[:n])
		}
	}
	for _, bad := range [][]byte{nil, {}, {2, 0, 0, 0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 'a'}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}} {
		_, err := decodeEntry("1", bad)
		assert.ErrorIs(t, err, errEncoding, "%q", bad)
		_, err = decodeDead("1", bad)
		assert.ErrorIs(t, err, errEncoding, "%q", bad)
	}
}

func TestParseID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]uint64{"1": 1, "42": 42, "18446744073709551615": 1<<64 - 1} {
		got, ok := parseID(id)
		assert.True(t, ok, id)
		assert.Equal(t, want, got)
	}
	for _, id := range []string{"", "0", "01", "+1", "-1", "1 ", "0x10", "18446744073709551616"} {
		_, ok := parseID(id)
		assert.False(t, ok, id)
	}
}

func testDB(t *testing.T, opts Options) *DB {
	opts.Logger = slog.New(slog.DiscardHandler)
	db, err := Open(filepath.Join(t.TempDir(), "x.db"), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// counts returns the numbers of keys of the buckets.
func counts(t *testing.T, db *DB, buckets ...[]byte) []int {
	n := make([]int, len(buckets))
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		for i, b := range buckets {
			n[i] = int(keyCount(tx.Bucket(b)))
		}
		return nil
	}))
	return n
}

func TestPurge(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.db")
	opts := Options{DedupTTL: time.Hour, InFlightLease: time.Minute, NoSync: true, Logger: slog.New(slog.DiscardHandler)}
	clk := NewClock()
	db, err := open(path, opts, clk.Now)
	require.NoError(t, err)
	q, s := db.Queue(), db.DedupStore()
	ctx := t.Context()
	all := [][]byte{bucketPushed, bucketPushedExp, bucketHandled, bucketHandledExp}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		_, err := q.Push(ctx, store.Entry{Provider: "p", ChatID: "c", Key: k})
		require.NoError(t, err)
		_, err = s.Begin(ctx, k)
		require.NoError(t, err)
		require.NoError(t, s.End(ctx, k, k < "f"))
		clk.Add(time.Second)
	}
	assert.Equal(t, []int{10, 10, 5, 15}, counts(t, db, all...), "an End not handled leaves its index key for the purge")
	clk.Add(2 * time.Hour)

	// Each Push and Begin deletes a few expired marks, not all. The index
	// of the DedupStore holds the in-flight keys of a to j (their leases
	// end first), then the done keys of a to e; those of f to j have no
	// mark left.
	_, err = q.Push(ctx, store.Entry{Provider: "p", ChatID: "c", Key: "new"})
	require.NoError(t, err)
	_, err = s.Begin(ctx, "new")
	require.NoError(t, err)
	assert.Equal(t, []int{10 - purgeBatch + 1, 10 - purgeBatch + 1, 5 + 1, 15 - purgeBatch + 1}, counts(t, db, all...))
	_, err = s.Begin(ctx, "newer") // i and j, then a to e; new's lease runs
	require.NoError(t, err)
	assert.Equal(t, []int{2, 2}, counts(t, db, bucketHandled, bucketHandledExp))

	// Open deletes every expired one.
	require.NoError(t, db.Close())
	db, err = open(path, opts, clk.Now)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2, 2}, counts(t, db, all...))
	require.NoError(t, db.Close())
	clk.Add(2 * time.Hour)
	db, err = open(path, opts, clk.Now)
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, []int{0, 0, 0, 0}, counts(t, db, all...))
}

func TestPurgeIndex(t *testing.T) {
	t.Parallel()
	db := testDB(t, Options{})
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		set := func(key string, exp int64) {
			require.NoError(t, setMark(tx, bucketPushed, bucketPushedExp, []byte(key), u64(uint64(exp)), exp))
		}
		set("k1", 10)
		set("k2", 20)
		set("k2", 30) // set again: (20, k2) is left in the index
		set("k3", 40)
		n, err := purge(tx, bucketPushed, bucketPushedExp, 25, 0)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "index keys")
		assert.Nil(t, tx.Bucket(bucketPushed).Get([]byte("k1")))
		assert.NotNil(t, tx.Bucket(bucketPushed).Get([]byte("k2")), "set again since")
		assert.Equal(t, uint64(2), keyCount(tx.Bucket(bucketPushedExp)))

		n, err = purge(tx, bucketPushed, bucketPushedExp, 100, 1)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "up to the limit")
		assert.Nil(t, tx.Bucket(bucketPushed).Get([]byte("k2")))
		assert.NotNil(t, tx.Bucket(bucketPushed).Get([]byte("k3")))
		return nil
	})
	require.NoError(t, err)
}

func TestUndecodableEntry(t *testing.T) {
	t.Parallel()
	db := testDB(t, Options{})
	q := db.Queue()
	ctx := t.Context()
	for _, u := range []string{"1", "2", "3"} {
		_, err := q.Push(ctx, store.Entry{Provider: "p", ChatID: "c", Update: []byte(u)})
		require.NoError(t, err)
	}
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketQueue).Put(u64(2), []byte{9, 9, 9})
	}))
	got := make(chan store.Delivery, 3)
	done := make(chan error, 1)
	cctx, stop := context.WithCancel(ctx)
	go func() { done <- q.Consume(cctx, func(d store.Delivery) { got <- d }) }()
	for _, want := range []string{"1", "3"} {
		select {
		case d := <-got:
			assert.Equal(t, want, string(d.Update))
			require.NoError(t, q.Ack(ctx, d))
		case <-time.After(5 * time.Second):
			t.Fatal("no delivery")
		}
	}
	stop()
	require.NoError(t, <-done)
	dead, err := q.DeadLetters(ctx, 10)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, "2", dead[0].ID)
	assert.Contains(t, dead[0].Reason, "undecodable")
	assert.Equal(t, []byte{9, 9, 9}, dead[0].Update, "the value is kept")
}

// TestConsumeSkipsInFlight: a Consume called again after one that failed
// does not deliver again what the caller still handles.
func TestConsumeSkipsInFlight(t *testing.T) {
	t.Parallel()
	db := testDB(t, Options{})
	q := db.Queue()
	ctx := t.Context()
	for _, u := range []string{"1", "2"} {
		_, err := q.Push(ctx, store.Entry{Provider: "p", ChatID: "c", Update: []byte(u)})
		require.NoError(t, err)
	}
	q.inflight[1] = struct{}{} // delivered by a Consume that returned an error
	got := make(chan store.Delivery, 2)
	cctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- q.Consume(cctx, func(d store.Delivery) { got <- d }) }()
	d := <-got
	assert.Equal(t, "2", string(d.Update))
	require.NoError(t, q.Ack(ctx, d))
	stop()
	select {
	case err := <-done:
		t.Fatalf("Consume returned %v with entry 1 in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, q.Ack(ctx, store.Delivery{Entry: store.Entry{ID: "1"}}))
	require.NoError(t, <-done)
	assert.Empty(t, got)
}

func TestStateEncoding(t *testing.T) {
	t.Parallel()
	tests := []store.StateRecord{
		{Version: 1},
		{State: "ask_list", Data: []byte(`{"a":1}`), Update: "greenapi\x00k", Version: 1 << 40},
		{State: string(make([]byte, 300)), Data: make([]byte, 70_000), Version: 7},
	}
	for _, rec := range tests {
		for _, exp := range []int64{0, 1000} {
			v := encodeState(rec, exp)
			got, err := decodeState(v, 999)
			require.NoError(t, err)
			assert.Equal(t, rec, got)
			got, err = decodeState(v, 1000)
			require.NoError(t, err)
			if exp == 0 {
				assert.Equal(t, rec, got, "a record without expiry never expires")
			} else {
				assert.Equal(t, store.StateRecord{}, got, "a record past its expiry is none")
			}
			// Every cut of a value is refused or decoded, never a panic.
			for n := range min(len(v), 40) {
				_, _ = decodeState(v[:n], 0)
			}
		}
	}
	for _, bad := range [][]byte{{}, {1, 2, 3}, make([]byte, 15), append(make([]byte, 8), 9, 0, 0, 0, 0, 0, 0, 0, 0)} {
		_, err := decodeState(bad, 0)
		assert.Error(t, err, "%q", bad)
	}
}

func TestStatePurge(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.db")
	opts := Options{NoSync: true, Logger: slog.New(slog.DiscardHandler)}
	clk := NewClock()
	db, err := open(path, opts, clk.Now)
	require.NoError(t, err)
	s := db.StateStore()
	ctx := t.Context()
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		_, err := s.Save(ctx, k, store.StateRecord{State: "s"}, time.Minute)
		require.NoError(t, err)
	}
	_, err = s.Save(ctx, "forever", store.StateRecord{State: "s"}, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{11, 10}, counts(t, db, bucketState, bucketStateExp))
	clk.Add(time.Hour)
	_, err = s.Save(ctx, "new", store.StateRecord{State: "s"}, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, []int{11 - purgeBatch + 1, 10 - purgeBatch + 1}, counts(t, db, bucketState, bucketStateExp),
		"a Save deletes a few expired records")
	require.NoError(t, db.Close())
	db, err = open(path, opts, clk.Now)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	assert.Equal(t, []int{2, 1}, counts(t, db, bucketState, bucketStateExp), "Open deletes every expired record")
	rec, err := db.StateStore().Load(ctx, "forever")
	require.NoError(t, err)
	assert.Equal(t, "s", rec.State)
}
