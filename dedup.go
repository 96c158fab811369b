package cardbot

import (
	"context"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Defaults of the in-memory dedup store of New.
const (
	// DefaultDedupSize is how many handled keys the default store keeps.
	DefaultDedupSize = 100_000
	// DefaultDedupTTL is how long the default store keeps a handled key:
	// GREEN-API redelivers for 24 hours.
	DefaultDedupTTL = 24 * time.Hour
)

// DedupState is what a DedupStore knows of a key.
type DedupState uint8

// States of a dedup key.
const (
	// DedupNew means the key was neither handled nor in flight; Begin has
	// now marked it in flight.
	DedupNew DedupState = iota
	// DedupInFlight means another delivery of the key is being handled.
	DedupInFlight
	// DedupDone means the key was handled before.
	DedupDone
)

// DedupStore remembers which updates were handled, so that a redelivery is
// skipped. The keys it sees are the provider's name and Update.Key joined
// by a zero byte. Implementations must be safe for concurrent use.
type DedupStore interface {
	// Begin marks key in flight and returns DedupNew, or returns the
	// state that keeps the update from being handled now.
	Begin(ctx context.Context, key string) (DedupState, error)

	// End clears the in-flight mark of a key Begin returned DedupNew for;
	// when handled is true, the key is remembered as done.
	End(ctx context.Context, key string, handled bool) error
}

// MemoryDedupStore is a DedupStore in memory: bounded (the least recently
// handled keys go first) and with a time to live. It needs no goroutine of
// its own: an expired key is ignored, and its room is reused as new keys
// come.
type MemoryDedupStore struct {
	ttl  time.Duration
	done *lru.Cache[string, time.Time] // key → expiry

	mu       sync.Mutex
	inFlight map[string]struct{}
}

// NewMemoryDedupStore returns a store that keeps up to size handled keys
// for ttl each. DefaultDedupSize and DefaultDedupTTL replace values of zero
// or less.
func NewMemoryDedupStore(size int, ttl time.Duration) *MemoryDedupStore {
	if size <= 0 {
		size = DefaultDedupSize
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	done, err := lru.New[string, time.Time](size)
	if err != nil { // only for size <= 0, excluded above
		panic(err)
	}
	return &MemoryDedupStore{ttl: ttl, done: done, inFlight: make(map[string]struct{})}
}

// Begin implements DedupStore.
func (s *MemoryDedupStore) Begin(_ context.Context, key string) (DedupState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.done.Peek(key); ok {
		if time.Now().Before(exp) {
			return DedupDone, nil
		}
		s.done.Remove(key)
	}
	if _, ok := s.inFlight[key]; ok {
		return DedupInFlight, nil
	}
	s.inFlight[key] = struct{}{}
	return DedupNew, nil
}

// End implements DedupStore.
func (s *MemoryDedupStore) End(_ context.Context, key string, handled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inFlight, key)
	if handled {
		s.done.Add(key, time.Now().Add(s.ttl))
	}
	return nil
}
