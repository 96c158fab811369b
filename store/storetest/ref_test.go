package storetest_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot/store"
)

// The reference queue is a Queue written for the suite's own tests, small
// enough to be plainly right: one mutex over everything, entries kept in
// partitions in push order and removed when ended. It keeps its storage
// across Queue values (Reopen), can crash, and can be shared by several
// consumers, with partitions leased for a time to live, so that the
// suite's subtests of restarts, crashes and shared queues run on it too.
// Its bugs, each switched on by name, are how the suite's tests show that
// each subtest catches what it should.

// refStorage is the storage the Queue values of one subtest share.
type refStorage struct {
	bug    string        // the bug switched on, or ""
	shared bool          // partitions are leased, to several consumers
	ttl    time.Duration // of a lease

	mu      sync.Mutex
	changed chan struct{} // closed and replaced at every change
	seq     uint64
	parts   [][]*refEntry // stored and not ended, in push order
	leases  []refLease
	keys    map[string]bool // Provider and Key pushed
	dead    []store.DeadLetter
	alive   map[*refQueue]time.Time // consumers of a shared storage, and when they were last seen
	acked   map[string]bool         // bug "ack-redelivers": IDs acknowledged once
	drop    int                     // bug "lossy": entries to drop
}

// refEntry is a stored entry.
type refEntry struct {
	e      store.Entry
	holder *refQueue // the consumer it was delivered to, nil while it is to deliver
}

// refLease is a partition's lease.
type refLease struct {
	owner   *refQueue
	expires time.Time
	owned   context.Context // of the deliveries under it
	cancel  context.CancelFunc
}

const refPartitions = 8

func newRefStorage(bug string, shared bool, ttl time.Duration) *refStorage {
	n := 1
	if shared {
		n = refPartitions
	}
	return &refStorage{
		bug:     bug,
		shared:  shared,
		ttl:     ttl,
		changed: make(chan struct{}),
		parts:   make([][]*refEntry, n),
		leases:  make([]refLease, n),
		keys:    make(map[string]bool),
		alive:   make(map[*refQueue]time.Time),
		acked:   make(map[string]bool),
	}
}

// signal tells every waiting consumer that something changed; s.mu is
// held.
func (s *refStorage) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// refQueue is a Queue value on a refStorage.
type refQueue struct {
	s       *refStorage
	crashed atomic.Bool
}

var errCrashed = errors.New("reference queue: crashed")

func (q *refQueue) Push(_ context.Context, e store.Entry) (bool, error) {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.crashed.Load() {
		return false, errCrashed
	}
	if e.Key != "" || s.bug == "empty-keys-dedup" {
		k := e.Provider + "\x00" + e.Key
		if s.bug == "dedup-ignores-provider" {
			k = e.Key
		}
		if s.keys[k] && s.bug != "no-dedup" {
			return false, nil
		}
		s.keys[k] = true
	}
	if s.bug == "pushed-not-kept" {
		e.Pushed = time.Now()
	}
	s.seq++
	e.ID = strconv.FormatUint(s.seq, 10)
	p := store.Partition(e.Provider, e.ChatID, len(s.parts))
	s.parts[p] = append(s.parts[p], &refEntry{e: e})
	s.signal()
	return true, nil
}

// find returns the stored entry of d, and its partition.
func (s *refStorage) find(d store.Delivery) (*refEntry, int) {
	for p, part := range s.parts {
		for _, x := range part {
			if x.e.ID == d.ID {
				return x, p
			}
		}
	}
	return nil, -1
}

func (s *refStorage) remove(x *refEntry, p int) {
	s.parts[p] = slices.DeleteFunc(s.parts[p], func(y *refEntry) bool { return y == x })
}

func (q *refQueue) Ack(_ context.Context, d store.Delivery) error {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.crashed.Load() {
		return errCrashed
	}
	if x, p := s.find(d); x != nil && x.holder == q {
		if s.bug == "ack-redelivers" && !s.acked[d.ID] {
			s.acked[d.ID] = true
			x.holder = nil
		} else {
			s.remove(x, p)
		}
		s.signal()
	}
	return nil
}

func (q *refQueue) Release(_ context.Context, d store.Delivery) error {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.crashed.Load() {
		return errCrashed
	}
	if x, p := s.find(d); x != nil && x.holder == q {
		x.holder = nil
		switch s.bug {
		case "release-to-the-end":
			s.remove(x, p)
			s.parts[p] = append(s.parts[p], x)
		case "release-new-id":
			s.seq++
			x.e.ID = strconv.FormatUint(s.seq, 10)
		}
		s.signal()
	}
	return nil
}

func (q *refQueue) DeadLetter(_ context.Context, d store.Delivery, reason string) error {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.crashed.Load() {
		return errCrashed
	}
	if x, p := s.find(d); x != nil && x.holder == q {
		s.remove(x, p)
		if s.bug != "dead-letter-lost" {
			s.dead = append(s.dead, store.DeadLetter{Entry: x.e, Reason: reason, Failed: time.Now()})
		}
		s.signal()
	}
	return nil
}

func (q *refQueue) DeadLetters(_ context.Context, limit int) ([]store.DeadLetter, error) {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	list := slices.Clone(s.dead)
	if s.bug == "dead-letters-newest-first" {
		slices.Reverse(list)
	}
	if limit < len(list) && (limit > 0 || s.bug != "limit-zero-is-all") {
		list = list[:max(limit, 0)]
	}
	return list, nil
}

func (q *refQueue) Replay(_ context.Context, id string) error {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.dead, func(l store.DeadLetter) bool { return l.ID == id })
	if i < 0 {
		if s.bug == "replay-unknown-error" {
			return errors.New("no such entry")
		}
		return store.ErrNoDeadLetter
	}
	e := s.dead[i].Entry
	if s.bug != "replay-keeps-dead-letter" {
		s.dead = slices.Delete(s.dead, i, i+1)
	}
	s.seq++
	e.ID = strconv.FormatUint(s.seq, 10)
	p := store.Partition(e.Provider, e.ChatID, len(s.parts))
	if s.bug == "replay-to-the-front" {
		s.parts[p] = slices.Insert(s.parts[p], 0, &refEntry{e: e})
	} else {
		s.parts[p] = append(s.parts[p], &refEntry{e: e})
	}
	s.signal()
	return nil
}

func (q *refQueue) DropDeadLetter(_ context.Context, id string) error {
	s := q.s
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.dead, func(l store.DeadLetter) bool { return l.ID == id })
	if i < 0 {
		return store.ErrNoDeadLetter
	}
	s.dead = slices.Delete(s.dead, i, i+1)
	return nil
}

// Consume delivers from one goroutine, its caller's: the first entry to
// deliver of each partition it owns, in turns.
func (q *refQueue) Consume(ctx context.Context, deliver func(store.Delivery)) (err error) {
	s := q.s
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.alive, q)
		for i := range s.leases {
			l := &s.leases[i]
			if l.owner == q {
				if s.bug != "owned-not-cancelled" {
					l.cancel()
				}
				if err == nil { // a crashed consumer keeps its leases until they expire
					*l = refLease{}
				}
			}
		}
		s.signal()
	}()
	if !s.shared {
		// A new value: what the values before it held is to deliver.
		s.mu.Lock()
		for _, x := range slices.Clone(s.parts[0]) {
			switch {
			case x.holder == nil || x.holder == q:
			case s.bug == "crash-forgets":
				s.remove(x, 0)
			default:
				x.holder = nil
			}
		}
		s.mu.Unlock()
	}
	tick := time.NewTicker(max(s.ttl/4, time.Millisecond))
	defer tick.Stop()
	next := 0 // the partition to look at first
	for {
		if q.crashed.Load() {
			return errCrashed
		}
		s.mu.Lock()
		closing := ctx.Err() != nil
		if s.shared {
			s.lease(q, closing)
		}
		var d store.Delivery
		found := false
		for i := range s.parts {
			p := (next + i) % len(s.parts)
			if s.shared && s.leases[p].owner != q || closing {
				continue
			}
			j := slices.IndexFunc(s.parts[p], func(x *refEntry) bool { return x.holder == nil })
			if j < 0 {
				continue
			}
			x := s.parts[p][j]
			if s.bug == "lossy" && s.drop > 0 {
				s.drop--
				s.remove(x, p)
				j = slices.IndexFunc(s.parts[p], func(x *refEntry) bool { return x.holder == nil })
				if j < 0 {
					continue
				}
				x = s.parts[p][j]
			}
			x.holder = q
			d = store.Delivery{Entry: x.e}
			if s.shared {
				d.Owned = s.leases[p].owned
			}
			found = true
			next = p + 1
			break
		}
		held := false
		for _, part := range s.parts {
			for _, x := range part {
				held = held || x.holder == q
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if found {
			switch s.bug {
			case "deliver-concurrently":
				go deliver(d)
			case "lossy":
				start := time.Now()
				deliver(d)
				if time.Since(start) > 20*time.Millisecond {
					s.mu.Lock()
					s.drop++
					s.mu.Unlock()
				}
			default:
				deliver(d)
			}
			continue
		}
		if closing && (!held || s.bug == "no-wait-at-end") {
			return nil
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-ctx.Done():
		}
	}
}

// lease renews q's leases, takes free ones up to its share and gives up
// those above it; s.mu is held. When closing it only renews.
func (s *refStorage) lease(q *refQueue, closing bool) {
	now := time.Now()
	s.alive[q] = now
	live := 0
	for c, seen := range s.alive {
		if now.Sub(seen) < s.ttl {
			live++
		} else if c != q {
			delete(s.alive, c)
		}
	}
	share := (len(s.leases) + live - 1) / live
	mine := 0
	for i := range s.leases {
		l := &s.leases[i]
		// Only a crashed consumer's leases lapse: a live one renews them
		// in its loop, which a loaded machine (the suite's tests run a
		// process per bug, all at once) can stall past the time to live;
		// a lease lapsing then would hand the partition over by accident,
		// as the bug "no-balance" must not, and redeliver what the
		// consumer holds, as a correct queue must not.
		if l.owner != nil && l.owner.crashed.Load() && now.After(l.expires) {
			if s.bug != "owned-not-cancelled" {
				l.cancel() // lost
			}
			*l = refLease{}
			var abandoned []*refEntry
			for _, x := range s.parts[i] {
				if x.holder != nil {
					x.holder = nil // to deliver again
					abandoned = append(abandoned, x)
				}
			}
			if s.bug == "takeover-out-of-order" {
				s.parts[i] = append(slices.DeleteFunc(s.parts[i], func(x *refEntry) bool { return slices.Contains(abandoned, x) }), abandoned...)
			}
		}
		if l.owner == q {
			l.expires = now.Add(s.ttl)
			mine++
		}
	}
	for i := range s.leases {
		l := &s.leases[i]
		switch {
		case closing:
		case l.owner == nil && (mine < share || s.bug == "no-balance"):
			ctx, cancel := context.WithCancel(context.Background())
			*l = refLease{owner: q, expires: now.Add(s.ttl), owned: ctx, cancel: cancel}
			mine++
			s.signal()
		case l.owner == q && mine > share && s.bug != "no-balance" && !slices.ContainsFunc(s.parts[i], func(x *refEntry) bool { return x.holder == q }):
			l.cancel() // given up to a consumer that has fewer
			*l = refLease{}
			mine--
			s.signal()
		}
	}
}

// crash makes q act as a dead process.
func (q *refQueue) crash() {
	q.crashed.Store(true)
	q.s.mu.Lock()
	q.s.signal()
	q.s.mu.Unlock()
}

// refDedup is the reference DedupStore, with a bug switched on by name.
type refDedup struct {
	bug   string
	lease time.Duration
	ttl   time.Duration

	mu   sync.Mutex
	keys map[string]refMark
}

type refMark struct {
	done    bool
	expires time.Time
}

func newRefDedup(bug string, lease time.Duration) *refDedup {
	return &refDedup{bug: bug, lease: lease, ttl: time.Hour, keys: make(map[string]refMark)}
}

func (s *refDedup) key(k string) string {
	if s.bug == "dedup-prefix-keys" && len(k) > 16 {
		return k[:16]
	}
	return k
}

func (s *refDedup) Begin(_ context.Context, key string) (store.DedupState, error) {
	key = s.key(key)
	now := time.Now()
	s.mu.Lock()
	m, ok := s.keys[key]
	if s.bug == "dedup-racy-begin" {
		s.mu.Unlock()
		time.Sleep(time.Millisecond)
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	switch {
	case ok && m.done && now.Before(m.expires):
		return store.DedupDone, nil
	case ok && (now.Before(m.expires) || s.bug == "dedup-no-lease"):
		return store.DedupInFlight, nil
	}
	s.keys[key] = refMark{expires: now.Add(s.lease)}
	return store.DedupNew, nil
}

func (s *refDedup) End(_ context.Context, key string, handled bool) error {
	key = s.key(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case handled && s.bug == "dedup-lease-ends-done":
		s.keys[key] = refMark{done: true, expires: time.Now().Add(s.lease)}
	case handled || s.bug == "dedup-failure-remembered":
		s.keys[key] = refMark{done: true, expires: time.Now().Add(s.ttl)}
	default:
		delete(s.keys, key)
	}
	return nil
}

// refLocker is the reference Locker, with a bug switched on by name.
type refLocker struct {
	bug string

	mu     sync.Mutex
	leases map[string]refLease2
}

type refLease2 struct {
	owner   string
	expires time.Time
}

func newRefLocker(bug string) *refLocker {
	return &refLocker{bug: bug, leases: make(map[string]refLease2)}
}

func (l *refLocker) Acquire(_ context.Context, name, owner string, ttl time.Duration) (bool, error) {
	now := time.Now()
	l.mu.Lock()
	cur, ok := l.leases[name]
	if l.bug == "locker-racy" {
		l.mu.Unlock()
		time.Sleep(time.Millisecond)
		l.mu.Lock()
	}
	defer l.mu.Unlock()
	live := ok && (now.Before(cur.expires) || l.bug == "locker-no-expiry")
	switch {
	case live && cur.owner != owner:
		return false, nil
	case live && l.bug == "locker-no-renew":
		return false, nil
	case live && l.bug == "locker-renew-keeps-expiry":
		return true, nil
	}
	l.leases[name] = refLease2{owner: owner, expires: now.Add(ttl)}
	return true, nil
}

func (l *refLocker) Release(_ context.Context, name, owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[name]; ok && (cur.owner == owner || l.bug == "locker-release-by-anyone") {
		delete(l.leases, name)
	}
	return nil
}
