package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryStateStore is the StateStore in memory that cardbot.WithState uses unless
// cardbot.StateConfig.Store names another: for development, tests and a single
// instance that may lose its conversations when the process ends. It needs
// no goroutine: an expired record counts as none, and the expired ones
// are swept when the store has doubled since the last sweep.
type MemoryStateStore struct {
	// base is when the store was made: times are kept as the monotonic
	// time since, which is cheaper to read than the wall clock.
	base time.Time

	mu      sync.Mutex
	recs    map[string]memState
	version uint64 // the last version given
	sweepAt int    // sweep when len(recs) reaches it
}

type memState struct {
	rec     StateRecord
	expires int64 // nanoseconds since the store's base; 0 for never
}

// NewMemoryStateStore returns an empty MemoryStateStore.
func NewMemoryStateStore() *MemoryStateStore {
	return &MemoryStateStore{base: time.Now(), recs: make(map[string]memState), sweepAt: 1024}
}

var _ StateStore = (*MemoryStateStore)(nil)

// Load implements StateStore.
func (s *MemoryStateStore) Load(_ context.Context, key string) (StateRecord, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.recs[key]
	if !ok || st.expired(now) {
		return StateRecord{}, nil
	}
	return st.rec, nil // its Data is never changed: see StateStore
}

// Save implements StateStore.
func (s *MemoryStateStore) Save(_ context.Context, key string, rec StateRecord, ttl time.Duration) (uint64, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.recs[key]
	if !ok || cur.expired(now) {
		cur = memState{}
	}
	if cur.rec.Version != rec.Version {
		return 0, fmt.Errorf("%w: key %q is at version %d, not %d", ErrStateConflict, key, cur.rec.Version, rec.Version)
	}
	if rec.empty() {
		delete(s.recs, key)
		return 0, nil
	}
	s.version++
	rec.Version = s.version
	st := memState{rec: rec}
	if ttl > 0 {
		st.expires = now + int64(ttl)
	}
	s.recs[key] = st
	if len(s.recs) >= s.sweepAt {
		s.sweep(now)
	}
	return rec.Version, nil
}

// sweep deletes the expired records; s.mu is held.
func (s *MemoryStateStore) sweep(now int64) {
	for k, st := range s.recs {
		if st.expired(now) {
			delete(s.recs, k)
		}
	}
	s.sweepAt = max(2*len(s.recs), 1024)
}

// now is the time since the store's base, at least 1.
func (s *MemoryStateStore) now() int64 { return max(int64(time.Since(s.base)), 1) }

func (st memState) expired(now int64) bool { return st.expires != 0 && st.expires <= now }
