package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cardbot/cardbot/store"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
)

// DedupStore is a store.DedupStore on Redis that several bot instances
// share, for synchronous delivery: a key handled by one instance is done
// for all, and a key in flight in one is in flight for all.
//
// Each key has two marks, whose names share a hash tag made of the key's
// hash: "{<prefix>:d:<hash>}:run", in flight, which lasts
// Config.InFlightLease so that a key whose process died between Begin and
// End is free again after it; and "{<prefix>:d:<hash>}:done", handled,
// which lasts Config.DoneTTL. The in-flight mark holds a token that only
// the DedupStore value whose Begin set it knows, so that an End after the
// lease ran out cannot clear the mark of another instance's Begin.
type DedupStore struct {
	c   redis.UniversalClient
	cfg Config

	mu     sync.Mutex
	tokens map[string]string // key → the token of its in-flight mark, between Begin and End
}

var _ store.DedupStore = (*DedupStore)(nil)

// NewDedupStore returns a DedupStore on client, configured by cfg: it
// reads Prefix, InFlightLease and DoneTTL.
func NewDedupStore(client redis.UniversalClient, cfg Config) (*DedupStore, error) {
	if client == nil {
		return nil, errors.New("redisstore: NewDedupStore: nil client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &DedupStore{c: client, cfg: cfg, tokens: make(map[string]string)}, nil
}

func (s *DedupStore) keys(key string) []string {
	tag := "{" + s.cfg.Prefix + ":d:" + keyHash(key) + "}"
	return []string{tag + ":run", tag + ":done"}
}

// Begin implements store.DedupStore in one script.
func (s *DedupStore) Begin(ctx context.Context, key string) (store.DedupState, error) {
	token := uuid.NewString()
	n, err := dedupBeginScript.Run(ctx, s.c, s.keys(key), token, ms(s.cfg.InFlightLease)).Int()
	if err != nil {
		return 0, fmt.Errorf("redisstore: dedup begin: %w", err)
	}
	st := store.DedupState(n)
	if st == store.DedupNew {
		s.mu.Lock()
		s.tokens[key] = token
		s.mu.Unlock()
	}
	return st, nil
}

// End implements store.DedupStore in one script. A key that this value's
// Begin did not mark in flight is left alone, as a key that is not in
// flight is by store.MemoryDedupStore.
func (s *DedupStore) End(ctx context.Context, key string, handled bool) error {
	s.mu.Lock()
	token, ok := s.tokens[key]
	delete(s.tokens, key)
	s.mu.Unlock()
	if !ok {
		return nil
	}
	h := "0"
	if handled {
		h = "1"
	}
	if err := dedupEndScript.Run(ctx, s.c, s.keys(key), token, h, ms(s.cfg.DoneTTL)).Err(); err != nil {
		return fmt.Errorf("redisstore: dedup end: %w", err)
	}
	return nil
}
