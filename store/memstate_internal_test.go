package store

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemoryStateStoreSweep: when the store doubled, the expired records
// go; the live ones stay, and the next sweep waits for the store to double
// again.
func TestMemoryStateStoreSweep(t *testing.T) { synctest.Test(t, memoryStateStoreSweep) }

// memoryStateStoreSweep runs in a synctest bubble: the short records
// expire on its clock.
func memoryStateStoreSweep(t *testing.T) {
	s := NewMemoryStateStore()
	ctx := context.Background()
	for i := range 1000 {
		_, err := s.Save(ctx, fmt.Sprint("short", i), StateRecord{State: "x"}, time.Nanosecond)
		require.NoError(t, err)
	}
	time.Sleep(time.Millisecond) // every short record has expired
	for i := range 100 {
		_, err := s.Save(ctx, fmt.Sprint("long", i), StateRecord{State: "y"}, time.Hour)
		require.NoError(t, err)
	}
	s.mu.Lock()
	n, next := len(s.recs), s.sweepAt
	s.mu.Unlock()
	assert.Less(t, n, 200, "the expired records were not swept")
	assert.Equal(t, 1024, next, "the next sweep waits for twice the records kept, 1024 at least")
	for i := range 100 {
		rec, err := s.Load(ctx, fmt.Sprint("long", i))
		require.NoError(t, err)
		assert.Equal(t, "y", rec.State, "a live record was swept")
	}
}
