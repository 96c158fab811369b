package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// LedgerOptions says what a SendLedger keeps beyond one value.
type LedgerOptions struct {
	// Reopen, when set, returns a new value of the ledger l on the same
	// storage, as after a restart (the file closed and opened again, a new
	// Redis client); the suite then checks that records survive it. The
	// old value is not used afterwards.
	Reopen func(t *testing.T, l store.SendLedger) store.SendLedger
}

// TestSendLedger runs the conformance suite of store.SendLedger, one
// subtest per promise of its doc comment. newLedger returns a new, empty
// ledger; it should clean up with t.Cleanup.
func TestSendLedger(t *testing.T, newLedger func(t *testing.T) store.SendLedger, opts LedgerOptions) {
	const long = time.Hour
	// An update's name as the bot makes it: the provider, a zero byte, the
	// key.
	const upd = "greenapi\x00BAE5F4886F5E4B1C"
	t.Run("SendsOfNone", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		assert.Empty(t, l.sends(upd))
	})
	t.Run("RecordAndSends", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		bin := []byte{0, 0xff, 'x', 0x80}
		l.record(upd, "p:0", []byte(`{"id":"a"}`), long)
		l.record(upd, "p:1", bin, long)
		l.record(upd, "k:welcome\x00", nil, long)
		assert.Equal(t, map[string][]byte{"p:0": []byte(`{"id":"a"}`), "p:1": bin, "k:welcome\x00": {}}, nonNil(l.sends(upd)))
	})
	t.Run("RecordReplaces", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		l.record(upd, "p:0", []byte("one"), long)
		l.record(upd, "p:0", []byte("two"), long)
		assert.Equal(t, map[string][]byte{"p:0": []byte("two")}, l.sends(upd))
	})
	t.Run("UpdatesApart", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		other := "greenapi\x00BAE5F4886F5E4B1D"
		l.record(upd, "p:0", []byte("mine"), long)
		l.record(other, "p:0", []byte("theirs"), long)
		l.record("max\x00BAE5F4886F5E4B1C", "p:0", []byte("max"), long)
		assert.Equal(t, map[string][]byte{"p:0": []byte("mine")}, l.sends(upd))
		assert.Equal(t, map[string][]byte{"p:0": []byte("theirs")}, l.sends(other))
		require.NoError(t, l.l.Forget(context.Background(), other))
		assert.Equal(t, map[string][]byte{"p:0": []byte("mine")}, l.sends(upd), "Forget of one update deleted another's")
	})
	t.Run("Forget", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		require.NoError(t, l.l.Forget(context.Background(), upd), "Forget of an update without records")
		l.record(upd, "p:0", []byte("a"), long)
		l.record(upd, "p:1", []byte("b"), long)
		require.NoError(t, l.l.Forget(context.Background(), upd))
		assert.Empty(t, l.sends(upd))
		l.record(upd, "p:1", []byte("c"), long)
		assert.Equal(t, map[string][]byte{"p:1": []byte("c")}, l.sends(upd), "records of a forgotten update came back")
	})
	t.Run("Expire", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		const ttl = 300 * time.Millisecond
		l.record(upd, "p:0", []byte("a"), ttl)
		l.record("kept", "p:0", []byte("k"), long)
		assert.NotEmpty(t, l.sends(upd), "a record expired at once")
		require.Eventually(t, func() bool { return len(l.sends(upd)) == 0 }, 10*ttl, ttl/10,
			"records outlived their ttl")
		assert.Equal(t, map[string][]byte{"p:0": []byte("k")}, l.sends("kept"))
	})
	t.Run("RecordExtends", func(t *testing.T) {
		t.Parallel()
		// Every Record makes every record of the update last ttl from
		// then: the first send of a handling lives as long as the last.
		l := ledger{t, newLedger(t)}
		const ttl = 400 * time.Millisecond
		start := time.Now()
		l.record(upd, "p:0", []byte("a"), ttl)
		l.record(upd, "p:1", []byte("b"), long)
		for time.Since(start) < 2*ttl {
			got := l.sends(upd)
			require.Len(t, got, 2, "a record expired though a later Record of its update asked for an hour")
			time.Sleep(ttl / 4) // the ttl must pass in the store's own clock
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- l.l.Record(context.Background(), upd, fmt.Sprintf("p:%d", i), []byte{byte(i)}, long)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got := l.sends(upd)
		require.Len(t, got, n, "concurrent Records of one update lost some")
		for i := range n {
			assert.Equal(t, []byte{byte(i)}, got[fmt.Sprintf("p:%d", i)])
		}
	})
	t.Run("CallerOwnsTheMap", func(t *testing.T) {
		t.Parallel()
		l := ledger{t, newLedger(t)}
		l.record(upd, "p:0", []byte("a"), long)
		got := l.sends(upd)
		got["p:9"] = []byte("mine")
		delete(got, "p:0")
		assert.Equal(t, map[string][]byte{"p:0": []byte("a")}, l.sends(upd), "a change to the map Sends returned changed the ledger")
	})
	if opts.Reopen != nil {
		t.Run("Reopen", func(t *testing.T) {
			t.Parallel()
			l := ledger{t, newLedger(t)}
			l.record(upd, "p:0", []byte("a"), long)
			l.record("gone", "p:0", []byte("g"), long)
			require.NoError(t, l.l.Forget(context.Background(), "gone"))
			l = ledger{t, opts.Reopen(t, l.l)}
			assert.Equal(t, map[string][]byte{"p:0": []byte("a")}, l.sends(upd), "records did not survive a restart")
			assert.Empty(t, l.sends("gone"), "a forgotten update's records came back after a restart")
		})
	}
}

// ledger wraps a SendLedger with calls that fail the test on an error.
type ledger struct {
	t *testing.T
	l store.SendLedger
}

func (l ledger) sends(update string) map[string][]byte {
	l.t.Helper()
	got, err := l.l.Sends(context.Background(), update)
	require.NoError(l.t, err, "Sends")
	return got
}

func (l ledger) record(update, slot string, result []byte, ttl time.Duration) {
	l.t.Helper()
	require.NoError(l.t, l.l.Record(context.Background(), update, slot, result, ttl), "Record")
}

// nonNil turns nil results into empty ones: a ledger may give back an
// empty result either way.
func nonNil(m map[string][]byte) map[string][]byte {
	for k, v := range m {
		if v == nil {
			m[k] = []byte{}
		}
	}
	return m
}
