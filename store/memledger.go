package store

import (
	"context"
	"sync"
	"time"
)

// MemorySendLedger is a SendLedger in memory: what a process records is
// lost when it ends, so it covers the bot's own retries and the
// redeliveries the same process gets, not a restart. It is bounded: when
// it holds records of its size of updates and one more records a send,
// the expired ones go, then those that expire first. It needs no
// goroutine of its own.
type MemorySendLedger struct {
	size int
	now  func() time.Time

	mu      sync.Mutex
	updates map[string]*ledgerUpdate
}

type ledgerUpdate struct {
	expires time.Time
	slots   []ledgerSlot // few: the sends of one handling
}

type ledgerSlot struct {
	slot   string
	result []byte
}

var _ SendLedger = (*MemorySendLedger)(nil)

// NewMemorySendLedger returns a ledger that keeps the records of at most
// size updates (DefaultLedgerSize when size is zero or less).
func NewMemorySendLedger(size int) *MemorySendLedger {
	if size <= 0 {
		size = DefaultLedgerSize
	}
	return &MemorySendLedger{size: size, now: time.Now, updates: make(map[string]*ledgerUpdate)}
}

// Sends implements SendLedger.
func (l *MemorySendLedger) Sends(_ context.Context, update string) (map[string][]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.updates[update]
	if u == nil {
		return nil, nil
	}
	if !l.now().Before(u.expires) {
		delete(l.updates, update)
		return nil, nil
	}
	out := make(map[string][]byte, len(u.slots))
	for _, s := range u.slots {
		out[s.slot] = s.result
	}
	return out, nil
}

// Record implements SendLedger.
func (l *MemorySendLedger) Record(_ context.Context, update, slot string, result []byte, ttl time.Duration) error {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.updates[update]
	if u != nil && !now.Before(u.expires) {
		delete(l.updates, update)
		u = nil
	}
	if u == nil {
		l.makeRoom(now)
		u = &ledgerUpdate{}
		l.updates[update] = u
	}
	u.expires = now.Add(ttl)
	for i := range u.slots {
		if u.slots[i].slot == slot {
			u.slots[i].result = result
			return nil
		}
	}
	u.slots = append(u.slots, ledgerSlot{slot, result})
	return nil
}

// Forget implements SendLedger.
func (l *MemorySendLedger) Forget(_ context.Context, update string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.updates, update)
	return nil
}

// makeRoom frees room for one more update when the ledger is full: the
// expired updates go, and while it is still full, the one that expires
// first. l.mu is held. A full ledger is rare (the records of an update
// go once it was handled), so the scans cost little.
func (l *MemorySendLedger) makeRoom(now time.Time) {
	if len(l.updates) < l.size {
		return
	}
	for k, u := range l.updates {
		if !now.Before(u.expires) {
			delete(l.updates, k)
		}
	}
	for len(l.updates) >= l.size {
		var first string
		var at time.Time
		found := false
		for k, u := range l.updates {
			if !found || u.expires.Before(at) {
				first, at, found = k, u.expires, true
			}
		}
		delete(l.updates, first)
	}
}
