package store

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// Defaults of MemoryDedupStore, for the zero values of MemoryDedupConfig.
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

// MemoryDedupConfig configures a MemoryDedupStore. Zero values take the
// defaults.
type MemoryDedupConfig struct {
	// Size is how many handled keys the store keeps (DefaultDedupSize when
	// zero or less); when it is full, the key handled longest ago goes.
	Size int

	// TTL is how long a handled key is kept (DefaultDedupTTL when zero or
	// less).
	TTL time.Duration

	// InFlightLease is how long an in-flight mark lasts without End
	// (DefaultInFlightLease when zero or less).
	InFlightLease time.Duration
}

// NewMemoryDedupStore returns a store configured by cfg.
func NewMemoryDedupStore(cfg MemoryDedupConfig) *MemoryDedupStore {
	if cfg.Size <= 0 {
		cfg.Size = DefaultDedupSize
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultDedupTTL
	}
	if cfg.InFlightLease <= 0 {
		cfg.InFlightLease = DefaultInFlightLease
	}
	return &MemoryDedupStore{
		ttl:   cfg.TTL,
		lease: cfg.InFlightLease,
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		keys:  make(map[keyHash]keyEntry),
		ring:  make([]keyHash, 0, cfg.Size),
	}
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
