package storetest_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cardbot/cardbot/store"
)

// refState is a StateStore written for the suite's own tests: a map
// under a mutex, kept in a refStateData that Reopen hands to a new value.
// Its bugs, each switched on by name, show that each subtest of
// TestStateStore catches what it should.
type refState struct {
	bug string
	d   *refStateData
}

type refStateData struct {
	mu      sync.Mutex
	recs    map[string]refRecord
	version uint64
}

type refRecord struct {
	rec     store.StateRecord
	expires time.Time // zero for never
}

func newRefState(bug string) *refState {
	return &refState{bug: bug, d: &refStateData{recs: make(map[string]refRecord)}}
}

// reopen returns a new value on the same data, or on none under the bug
// "state-lost-on-reopen".
func (s *refState) reopen() *refState {
	if s.bug == "state-lost-on-reopen" {
		return newRefState(s.bug)
	}
	return &refState{bug: s.bug, d: s.d}
}

func (s *refState) name(key string) string {
	if s.bug == "state-prefix-keys" && len(key) > 12 {
		return key[:12]
	}
	return key
}

func (s *refState) Load(_ context.Context, key string) (store.StateRecord, error) {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	r, ok := s.d.recs[s.name(key)]
	if !ok || (s.bug != "state-no-ttl" && !r.expires.IsZero() && time.Now().After(r.expires)) {
		return store.StateRecord{}, nil
	}
	return r.rec, nil
}

func (s *refState) Save(ctx context.Context, key string, rec store.StateRecord, ttl time.Duration) (uint64, error) {
	cur, _ := s.Load(ctx, key)
	if s.bug == "state-racy-cas" {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	} else {
		s.d.mu.Lock()
		defer s.d.mu.Unlock()
		if r, ok := s.d.recs[s.name(key)]; ok && (r.expires.IsZero() || time.Now().Before(r.expires)) {
			cur = r.rec
		} else {
			cur = store.StateRecord{}
		}
	}
	if cur.Version != rec.Version && s.bug != "state-no-cas" {
		return 0, store.ErrStateConflict
	}
	if s.bug == "state-racy-cas" {
		s.d.mu.Lock()
		defer s.d.mu.Unlock()
	}
	empty := rec.State == "" && len(rec.Data) == 0 && (rec.Update == "" || s.bug == "state-empty-update-deleted")
	if empty {
		delete(s.d.recs, s.name(key))
		if s.bug == "state-reuse-version" {
			s.d.version = 0
		}
		return 0, nil
	}
	s.d.version++
	rec.Version = s.d.version
	if s.bug == "state-version-zero" && strings.HasPrefix(rec.State, "ask") {
		rec.Version = 0
	}
	r := refRecord{rec: rec}
	if old, ok := s.d.recs[s.name(key)]; ok && s.bug == "state-ttl-not-renewed" {
		r.expires = old.expires
	} else if ttl > 0 {
		r.expires = time.Now().Add(ttl)
	}
	s.d.recs[s.name(key)] = r
	return rec.Version, nil
}
