package cardbot

import (
	"context"
	"sync"
	"time"

	"hash/maphash"
)

// Defaults of the in-memory dedup store of New.
const (
	// DefaultDedupSize is how many handled keys the default store keeps.
	DefaultDedupSize = 100_000
	// DefaultDedupTTL is how long the default store keeps a handled key:
	// GREEN-API redelivers for 24 hours.
	DefaultDedupTTL = 24 * time.Hour
	// DefaultInFlightLease is how long an in-flight mark lasts when End
	// never comes (the process died between Begin and End): then the key
	// is free again. It must be longer than a sync handling may take.
	DefaultInFlightLease = 2 * time.Minute
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
// by a zero byte. Sync delivery uses it; async delivery deduplicates in its
// Queue. An in-flight mark has a lease (DefaultInFlightLease in the stores
// of this module): when End never comes, the key is free again once the
// lease passes, so a process that died between Begin and End does not
// block the key for ever on a shared store. Implementations must be safe
// for concurrent use.
type DedupStore interface {
	// Begin marks key in flight and returns DedupNew, or returns the
	// state that keeps the update from being handled now.
	Begin(ctx context.Context, key string) (DedupState, error)

	// End clears the in-flight mark of a key Begin returned DedupNew for;
	// when handled is true, the key is remembered as done.
	End(ctx context.Context, key string, handled bool) error
}

// MemoryDedupStore is a DedupStore in memory: bounded (when it is full, the
// key handled longest ago goes first) and with a time to live. It needs no
// goroutine of its own: an expired key is ignored, and its room is reused.
//
// It keeps a 128-bit hash of each key rather than the key, in memory that
// holds no pointers, so that the garbage collector never has to scan the
// 100 000 keys of the default store (with an LRU of strings, that scanning
// cost a busy bot a third of its CPU). Two keys are taken for one only if
// their hashes collide: about one chance in 10^28 among 100 000 keys.
type MemoryDedupStore struct {
	ttl   time.Duration
	lease time.Duration
	seeds [2]maphash.Seed

	mu   sync.Mutex
	keys map[keyHash]keyEntry // in flight, or handled
	ring []keyHash            // handled keys in the order handled; when full, ring[next] is the oldest
	next int
}

type keyHash [2]uint64

// keyEntry is a key in flight or handled, until expires.
type keyEntry struct {
	expires  int64 // Unix nanoseconds
	slot     int   // where the key stands in ring once handled; -1 before
	inFlight bool
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
	return &MemoryDedupStore{
		ttl:   ttl,
		lease: DefaultInFlightLease,
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		keys:  make(map[keyHash]keyEntry),
		ring:  make([]keyHash, 0, size),
	}
}

// WithInFlightLease sets how long an in-flight mark lasts without End,
// DefaultInFlightLease when d is zero or less, and returns s. Call it before
// the store is used.
func (s *MemoryDedupStore) WithInFlightLease(d time.Duration) *MemoryDedupStore {
	if d <= 0 {
		d = DefaultInFlightLease
	}
	s.lease = d
	return s
}

func (s *MemoryDedupStore) hash(key string) keyHash {
	return keyHash{maphash.String(s.seeds[0], key), maphash.String(s.seeds[1], key)}
}

// Begin implements DedupStore.
func (s *MemoryDedupStore) Begin(_ context.Context, key string) (DedupState, error) {
	h := s.hash(key)
	now := time.Now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.keys[h]
	switch {
	case ok && e.inFlight && now < e.expires:
		return DedupInFlight, nil
	case ok && now < e.expires:
		return DedupDone, nil
	}
	slot := -1
	if ok {
		slot = e.slot // expired: it keeps its ring slot
	}
	s.keys[h] = keyEntry{expires: now + int64(s.lease), slot: slot, inFlight: true}
	return DedupNew, nil
}

// End implements DedupStore.
func (s *MemoryDedupStore) End(_ context.Context, key string, handled bool) error {
	h := s.hash(key)
	expires := time.Now().Add(s.ttl).UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.keys[h]
	switch {
	case !ok || !e.inFlight:
		return nil // not in flight: nothing to end
	case !handled:
		delete(s.keys, h)
		return nil
	case e.slot >= 0 && s.ring[e.slot] == h:
		s.keys[h] = keyEntry{expires: expires, slot: e.slot} // its old slot still holds it
		return nil
	}
	slot := len(s.ring)
	if slot < cap(s.ring) {
		s.ring = append(s.ring, h)
	} else {
		slot = s.next
		s.next = (slot + 1) % cap(s.ring)
		// The oldest key goes, unless it is in flight again.
		if old, ok := s.keys[s.ring[slot]]; ok && !old.inFlight && old.slot == slot {
			delete(s.keys, s.ring[slot])
		}
		s.ring[slot] = h
	}
	s.keys[h] = keyEntry{expires: expires, slot: slot}
	return nil
}
