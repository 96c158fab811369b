package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
)

// QueueOptions says what a Queue can do beyond what every Queue does, so
// that TestQueue also runs the subtests that apply to it.
type QueueOptions struct {
	// Reopen, when set, returns a new Queue value on the storage of q, a
	// queue that newQueue or Reopen returned in the same subtest (and with
	// the same t): a restart. A bbolt store closes q's file and opens it
	// again; a Redis store returns a new Queue on q's server and prefix.
	// Unless Shared, the suite uses q no more, and ends every Consume of
	// q before it calls Reopen. Nil means the queue keeps nothing across
	// values (MemoryQueue): the subtests of restarts are skipped.
	Reopen func(t *testing.T, q store.Queue) store.Queue

	// Crash, when set with Reopen, makes q act as a process that died:
	// from now on it renews no lease, ends no entry and stores nothing,
	// and its Consume returns soon, with any error or nil, without
	// waiting for its deliveries to end (a bbolt store closes q's file; a
	// Redis store closes the client that only q uses). What q delivered
	// and never ended is then abandoned, and a Queue from Reopen must
	// deliver it again (after LeaseTTL when Shared). Nil: the subtests of
	// crashes are skipped.
	Crash func(t *testing.T, q store.Queue)

	// Shared means that several Queue values on one storage (one from
	// newQueue, the others from Reopen) may Consume at once, as the
	// instances of a bot do on Redis. The suite then runs two consumers
	// at once, and checks that they share the chats, never hold one
	// entry together, and (with Crash) that one takes over what the
	// other held when it crashed. It needs Reopen.
	Shared bool

	// LeaseTTL is how long a consumer of a Shared queue keeps a partition
	// it does not renew. The suite waits a few of them for a takeover,
	// and bounds its waits by ten of them plus five seconds. It should be
	// about a second, for the suite's sake.
	LeaseTTL time.Duration
}

// TestQueue runs the conformance suite of store.Queue, one subtest per
// promise. newQueue returns a new Queue on new, empty storage, for one
// subtest; it should clean up with t.Cleanup. The queue must hold 2 000
// entries that are not acknowledged without failing a Push; the suite
// keeps fewer stored at once.
//
// Where the doc comments of store.Queue leave room, the suite reads
// them so: an entry delivered again keeps its ID (a replayed one may get
// another); Pushed is kept to the millisecond; DeadLetters with a limit of
// 0 lists nothing; Consume hands over the later entries of a chat while
// earlier ones are held, without waiting for their end; and a Release may
// be overtaken by the one later entry of its chat that Consume had picked
// already, since Consume picks an entry before it calls deliver.
func TestQueue(t *testing.T, newQueue func(t *testing.T) store.Queue, opts QueueOptions) {
	if opts.Shared && opts.LeaseTTL <= 0 {
		t.Fatal("storetest: QueueOptions.Shared needs QueueOptions.LeaseTTL")
	}
	s := &queueSuite{newQueue: newQueue, opts: opts}
	for _, sub := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"PushAndDeliver", s.pushAndDeliver},
		{"Dedup", s.dedup},
		{"ConcurrentPushesOfOneKey", s.concurrentPushesOfOneKey},
		{"PerChatOrder", s.perChatOrder},
		{"AckIsFinal", s.ackIsFinal},
		{"Release", s.release},
		{"BackPressure", s.backPressure},
		{"DeadLetters", s.deadLetters},
		{"Shutdown", s.shutdown},
		{"ConsumeEndedContext", s.consumeEndedContext},
		{"RestartRedeliversReleased", s.restartRedeliversReleased},
		{"CrashRedelivers", s.crashRedelivers},
		{"SharedConsumers", s.sharedConsumers},
		{"SharedTakeover", s.sharedTakeover},
	} {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			sub.run(t)
		})
	}
}

type queueSuite struct {
	newQueue func(t *testing.T) store.Queue
	opts     QueueOptions
}

// start returns the harness and the queue of a subtest.
func (s *queueSuite) start(t *testing.T) (*harness, store.Queue) {
	return newHarness(t, s.opts), s.newQueue(t)
}

func (s *queueSuite) needReopen(t *testing.T) {
	if s.opts.Reopen == nil {
		t.Skip("the queue keeps nothing across values (QueueOptions.Reopen is nil)")
	}
}

func (s *queueSuite) needCrash(t *testing.T) {
	s.needReopen(t)
	if s.opts.Crash == nil {
		t.Skip("no way to crash a queue (QueueOptions.Crash is nil)")
	}
}

func (s *queueSuite) needShared(t *testing.T) {
	if !s.opts.Shared {
		t.Skip("the queue has one consumer at a time (QueueOptions.Shared is false)")
	}
	if s.opts.Reopen == nil {
		t.Fatal("QueueOptions.Shared needs QueueOptions.Reopen, for a second Queue value on the storage")
	}
}

// pushAndDeliver: what Push stores comes back as it was, with an ID.
func (s *queueSuite) pushAndDeliver(t *testing.T) {
	h, q := s.start(t)
	entries := []store.Entry{
		h.entry("alpha", "chat-1", "key-1"),
		h.entry("alpha", "chat-2", ""),
		h.entry("beta", "chat-1", "key-1"),
		h.entry("beta", "{chat}:3", "key:{3}"), // Redis key syntax
		h.entry("alpha", "чат 4 ✓", "ключ 4"),
		h.entry("alpha", "chat-1", "key-2"),
	}
	entries[2].Update = append(entries[2].Update, make([]byte, 64<<10)...) // 64 KiB, of zeros
	for _, e := range entries {
		h.mustPush(q, e)
	}
	c := h.consume(t.Context(), "consumer", q, func(c *consumer, d store.Delivery) {
		if d.Owned != nil && d.Owned.Err() != nil {
			c.h.failf("%q delivered with its Owned ended, to the only consumer", show(d.Update))
		}
		pass(c, d)
	})
	c.expectAck(entries...) // the harness checks the fields and the IDs
	c.stop(ack)
}

// dedup: a Key pushed before under a Provider makes a duplicate, which is
// not stored; the same Key under another Provider, and empty Keys, do not.
func (s *queueSuite) dedup(t *testing.T) {
	h, q := s.start(t)
	notStored := func(q store.Queue, e store.Entry, why string) {
		t.Helper()
		ok, err := h.push(t.Context(), q, e)
		if err != nil {
			h.fatalf("Push of a duplicate (%s): %v", why, err)
		}
		if ok {
			h.fatalf("Push of a duplicate (%s) reported true", why)
		}
	}
	first := h.entry("alpha", "chat", "key-1")
	h.mustPush(q, first)
	notStored(q, h.entry("alpha", "chat", "key-1"), "Provider and Key pushed before")
	other := h.entry("beta", "chat", "key-1")
	h.mustPush(q, other) // another provider
	empty1, empty2 := h.entry("alpha", "chat", ""), h.entry("alpha", "chat", "")
	h.mustPush(q, empty1)
	h.mustPush(q, empty2)
	inOtherChat := h.entry("alpha", "another chat", "key-1")
	notStored(q, inOtherChat, "Provider and Key pushed before, in another chat")
	last := h.entry("alpha", "chat", "key-2")
	h.mustPush(q, last)

	// A duplicate, had it been stored, would come before last: its chat's
	// order says so.
	c := h.consume(t.Context(), "consumer", q, pass)
	c.expectAck(first, other, empty1, empty2, last)
	// The Key outlives its entry.
	notStored(q, h.entry("alpha", "chat", "key-1"), "Provider and Key pushed and acknowledged before")
	sentinel := h.entry("alpha", "chat", "")
	h.mustPush(q, sentinel)
	c.mustEnd(ack, c.expect(sentinel)[0])
	c.stop(ack)

	if s.opts.Reopen != nil { // and the restart
		q = s.opts.Reopen(t, q)
		notStored(q, h.entry("alpha", "chat", "key-1"), "Provider and Key pushed before the restart")
		sentinel = h.entry("alpha", "chat", "key-3")
		h.mustPush(q, sentinel)
		c = h.consume(t.Context(), "consumer after Reopen", q, pass)
		c.mustEnd(ack, c.expect(sentinel)[0])
		c.stop(ack)
	}
}

// concurrentPushesOfOneKey: of Pushes of one Provider and Key at once,
// one stores it.
func (s *queueSuite) concurrentPushesOfOneKey(t *testing.T) {
	h, q := s.start(t)
	const pushers = 16
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		stored  []store.Entry
		errs    []error
		start   = make(chan struct{})
		entries = make([]store.Entry, pushers)
	)
	for i := range entries {
		// A chat each: the harness then needs no order among them.
		entries[i] = h.entry("alpha", fmt.Sprint("chat-", i), "the key")
	}
	for _, e := range entries {
		wg.Go(func() {
			<-start
			ok, err := h.push(t.Context(), q, e)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case ok:
				stored = append(stored, e)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(stored) != 1 {
		h.fatalf("%d of %d Pushes of one Provider and Key at once reported true (and %d failed: %v); want exactly 1",
			len(stored), pushers, len(errs), errs)
	}
	c := h.consume(t.Context(), "consumer", q, pass)
	c.expectAck(stored[0])
	// A duplicate stored would come before the sentinel of its chat.
	sentinels := make([]store.Entry, pushers)
	for i := range sentinels {
		sentinels[i] = h.entry("alpha", fmt.Sprint("chat-", i), "")
		h.mustPush(q, sentinels[i])
	}
	c.expectAck(sentinels...)
	c.stop(ack)
}

// perChatOrder: many chats pushed at once by several producers each reach
// deliver in push order, each entry once.
func (s *queueSuite) perChatOrder(t *testing.T) {
	h, q := s.start(t)
	const chats, perChat, producers = 50, 20, 5
	c := h.consume(t.Context(), "consumer", q, ackAsync)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			// Producer p pushes the chats p, p+producers, … in turns.
			for i := range perChat {
				for chat := p; chat < chats; chat += producers {
					provider := [...]string{"alpha", "beta"}[chat%2]
					h.pushAsync(q, h.entry(provider, fmt.Sprint("chat-", chat), fmt.Sprint("key-", chat, "-", i)))
				}
			}
		})
	}
	wg.Wait()
	h.check()
	h.waitEnded()
	if n := c.deliveries(); n != chats*perChat {
		t.Errorf("%d deliveries of %d entries, each acknowledged once delivered", n, chats*perChat)
	}
	c.stop(ack)
}

// ackIsFinal: an acknowledged entry is not delivered again, even after a
// restart.
func (s *queueSuite) ackIsFinal(t *testing.T) {
	h, q := s.start(t)
	var entries []store.Entry
	for i := range 10 {
		e := h.entry("alpha", fmt.Sprint("chat-", i%2), fmt.Sprint("key-", i))
		entries = append(entries, e)
		h.mustPush(q, e)
	}
	c := h.consume(t.Context(), "consumer", q, pass)
	c.expectAck(entries...)
	// An acknowledged entry that came again would come before these.
	s0, s1 := h.entry("alpha", "chat-0", ""), h.entry("alpha", "chat-1", "")
	h.mustPush(q, s0)
	h.mustPush(q, s1)
	c.expectAck(s0, s1)
	c.stop(ack)
	if s.opts.Reopen == nil {
		return
	}
	q = s.opts.Reopen(t, q)
	s0, s1 = h.entry("alpha", "chat-0", ""), h.entry("alpha", "chat-1", "")
	h.mustPush(q, s0)
	h.mustPush(q, s1)
	c = h.consume(t.Context(), "consumer after Reopen", q, pass)
	c.expectAck(s0, s1)
	c.stop(ack)
}

// release: a released entry is delivered again, with its ID, before the
// later entries of its chat.
//
// Consume picks an entry before it calls deliver, so when an entry is
// released, the next one of its chat may be picked already, and come
// first: the harness allows one. The test releases while Consume waits in
// deliver with that next entry where it can, and checks the order of what
// comes.
func (s *queueSuite) release(t *testing.T) {
	h, q := s.start(t)
	var e []store.Entry
	for i := range 8 {
		e = append(e, h.entry("alpha", "chat", fmt.Sprint("key-", i)))
	}
	for _, x := range e[:4] {
		h.mustPush(q, x)
	}
	c := h.consume(t.Context(), "consumer", q, pass)
	ackAll := func(list []store.Delivery) {
		t.Helper()
		for _, d := range list {
			c.mustEnd(ack, d)
		}
	}
	d0, _ := c.until(e[0])
	h.waitStarted(e[1])
	c.mustEnd(release, d0)
	again, before := c.until(e[0])
	if again.ID != d0.ID {
		t.Errorf("a released entry came again with ID %q, first with %q", again.ID, d0.ID)
	}
	ackAll(append(before, again))

	// Released again and again.
	d2, before := c.until(e[2])
	ackAll(before)
	h.waitStarted(e[3])
	for range 2 {
		c.mustEnd(release, d2)
		d2, before = c.until(e[2])
		ackAll(before)
	}
	c.mustEnd(ack, d2)
	if n := h.deliveries(e[2]); n != 3 {
		t.Errorf("an entry released twice was delivered %d times; want 3", n)
	}

	// Several entries of the chat held, then released in their order, as
	// the bot does when it gives a chat up: they come again in that
	// order.
	for _, x := range e[4:] {
		h.mustPush(q, x)
	}
	d4, before := c.until(e[4])
	ackAll(before) // e[3], unless it came before
	d5, _ := c.until(e[5])
	h.waitStarted(e[6])
	c.mustEnd(release, d4)
	c.mustEnd(release, d5)
	last, before := c.until(e[7])
	ackAll(append(before, last))
	h.waitEnded()
	c.stop(ack)
}

// backPressure: a deliver that blocks holds delivery back, and loses
// nothing.
func (s *queueSuite) backPressure(t *testing.T) {
	h, q := s.start(t)
	gate := make(chan struct{})
	open := sync.OnceFunc(func() { close(gate) })
	var first atomic.Bool
	c := h.consume(t.Context(), "consumer", q, func(c *consumer, d store.Delivery) {
		if first.CompareAndSwap(false, true) {
			select {
			case <-gate:
			case <-c.quit:
			}
		}
		ackAsync(c, d)
	})
	t.Cleanup(open) // before the consumer's cleanup, should the test fail
	push := func(round int) {
		for i := range 10 {
			for chat := range 3 {
				h.mustPush(q, h.entry("alpha", fmt.Sprint("chat-", chat), fmt.Sprint("key-", chat, "-", round, "-", i)))
			}
		}
	}
	push(0)
	h.waitFor("the first delivery", first.Load)
	time.Sleep(50 * time.Millisecond) // deliver blocks meanwhile
	push(1)
	time.Sleep(50 * time.Millisecond)
	open()
	h.waitEnded()
	c.stop(ack)
}

// deadLetters: a dead letter is not delivered, is listed, and can be
// replayed or dropped.
func (s *queueSuite) deadLetters(t *testing.T) {
	h, q := s.start(t)
	if _, ok := q.(store.DeadLetterAdmin); !ok {
		t.Skip("the queue is not a store.DeadLetterAdmin: its dead letters cannot be listed")
	}
	a1, a2, a3 := h.entry("alpha", "chat-a", "key-a1"), h.entry("alpha", "chat-a", "key-a2"), h.entry("alpha", "chat-a", "")
	b1 := h.entry("beta", "chat-b", "key-b1")
	for _, e := range []store.Entry{a1, a2, b1, a3} {
		h.mustPush(q, e)
	}
	c := h.consume(t.Context(), "consumer", q, pass)

	// Dead letter a1, b1 and a3 as they come, a2 is acknowledged.
	type window struct{ from, to time.Time }
	var (
		dead    []store.Entry // in the order dead lettered
		reasons []string
		windows []window
		acked   store.Delivery
	)
	for range 4 {
		d := c.next()
		if string(d.Update) == string(a2.Update) {
			c.mustEnd(ack, d)
			acked = d
			continue
		}
		reason := fmt.Sprintf("attempt %d failed: %q\nover two lines", len(dead)+1, show(d.Update))
		from := time.Now()
		if err := c.end(deadLetter, d, reason); err != nil {
			h.fatalf("DeadLetter of %q: %v", show(d.Update), err)
		}
		windows = append(windows, window{from, time.Now()})
		dead = append(dead, store.Entry{Provider: d.Provider, ChatID: d.ChatID, Key: d.Key, Update: d.Update})
		for _, e := range []store.Entry{a1, b1, a3} {
			if string(e.Update) == string(d.Update) {
				dead[len(dead)-1].Pushed = e.Pushed
			}
		}
		reasons = append(reasons, reason)
		time.Sleep(2 * time.Millisecond) // distinct Failed times
	}
	h.check()
	if len(dead) != 3 {
		h.fatalf("delivered %d entries of the 3 to dead letter", len(dead))
	}
	// A dead letter delivered again would come before these.
	a4, b2 := h.entry("alpha", "chat-a", ""), h.entry("beta", "chat-b", "")
	h.mustPush(q, a4)
	h.mustPush(q, b2)
	for _, d := range c.expect(a4, b2) {
		c.mustEnd(ack, d)
	}

	// listed checks that DeadLetters(limit) lists the dead letters but
	// those of gone, oldest first.
	listed := func(limit int, gone ...store.Entry) []store.DeadLetter {
		t.Helper()
		var want []int
		for i, e := range dead {
			if len(want) < limit && !slices.ContainsFunc(gone, func(g store.Entry) bool { return string(g.Update) == string(e.Update) }) {
				want = append(want, i)
			}
		}
		list, err := q.(store.DeadLetterAdmin).DeadLetters(t.Context(), limit)
		if err != nil {
			h.fatalf("DeadLetters(%d): %v", limit, err)
		}
		var names, wantNames []string
		for _, l := range list {
			names = append(names, fmt.Sprintf("%q", show(l.Update)))
		}
		for _, i := range want {
			wantNames = append(wantNames, fmt.Sprintf("%q", show(dead[i].Update)))
		}
		if !slices.Equal(names, wantNames) {
			h.fatalf("DeadLetters(%d) lists %v; want %v", limit, names, wantNames)
		}
		for j, l := range list {
			i := want[j]
			e := dead[i]
			if l.Provider != e.Provider || l.ChatID != e.ChatID || l.Key != e.Key {
				t.Errorf("dead letter %q has Provider %q, ChatID %q, Key %q; pushed with %q, %q, %q",
					show(l.Update), l.Provider, l.ChatID, l.Key, e.Provider, e.ChatID, e.Key)
			}
			if diff := l.Pushed.Sub(e.Pushed); diff < -time.Millisecond || diff > time.Millisecond {
				t.Errorf("dead letter %q has Pushed %v; pushed with %v", show(l.Update), l.Pushed, e.Pushed)
			}
			if l.ID == "" {
				t.Errorf("dead letter %q has an empty ID", show(l.Update))
			}
			if l.Reason != reasons[i] {
				t.Errorf("dead letter %q has Reason %q; want %q", show(l.Update), l.Reason, reasons[i])
			}
			// A second either way: a store may take the time of its server.
			if w := windows[i]; l.Failed.Before(w.from.Add(-time.Second)) || l.Failed.After(w.to.Add(time.Second)) {
				t.Errorf("dead letter %q has Failed %v; it was dead lettered between %v and %v", show(l.Update), l.Failed, w.from, w.to)
			}
		}
		return list
	}
	listed(10)
	listed(2)
	listed(0)

	if s.opts.Reopen != nil { // dead letters survive a restart
		c.stop(ack)
		q = s.opts.Reopen(t, q)
		listed(10)
		c = h.consume(t.Context(), "consumer after Reopen", q, pass)
	}
	list := listed(10)
	ids := map[string]string{} // by Update
	for _, l := range list {
		ids[string(l.Update)] = l.ID
	}

	// Replay puts b1 back: it comes again, as it was, and no more a
	// dead letter; its Key does not make it a duplicate.
	h.replaying(b1)
	if err := q.(store.DeadLetterAdmin).Replay(t.Context(), ids[string(b1.Update)]); err != nil {
		h.fatalf("Replay of the dead letter %q: %v", ids[string(b1.Update)], err)
	}
	c.mustEnd(ack, c.expect(b1)[0])
	listed(10, b1)
	if err := q.(store.DeadLetterAdmin).Replay(t.Context(), ids[string(b1.Update)]); !errors.Is(err, store.ErrNoDeadLetter) {
		t.Errorf("Replay of a dead letter replayed already: %v; want ErrNoDeadLetter", err)
	}

	// A replayed entry goes behind the entries of its chat queued now.
	// Consume is kept in deliver meanwhile, so that a queue that delivers
	// from one goroutine has a5 queued when Replay runs.
	gate, gated := h.entry("alpha", "chat-gate", ""), h.entry("alpha", "chat-gate", "")
	h.mustPush(q, gate)
	gd := c.expect(gate)[0]
	h.mustPush(q, gated) // deliver waits for the test to take it
	a5 := h.entry("alpha", "chat-a", "key-a5")
	h.mustPush(q, a5)
	h.replaying(a1)
	if err := q.(store.DeadLetterAdmin).Replay(t.Context(), ids[string(a1.Update)]); err != nil {
		h.fatalf("Replay of the dead letter %q: %v", ids[string(a1.Update)], err)
	}
	for _, d := range append(c.expect(gated, a5, a1), gd) {
		c.mustEnd(ack, d)
	}
	listed(10, b1, a1)

	// DropDeadLetter deletes a3 for good.
	if err := q.(store.DeadLetterAdmin).DropDeadLetter(t.Context(), ids[string(a3.Update)]); err != nil {
		h.fatalf("DropDeadLetter of %q: %v", ids[string(a3.Update)], err)
	}
	listed(10, b1, a1, a3)
	a6 := h.entry("alpha", "chat-a", "")
	h.mustPush(q, a6) // a3, had it been put back, would come before it
	c.mustEnd(ack, c.expect(a6)[0])

	// Unknown dead letters: dropped or replayed already, never dead
	// lettered, never there.
	unknown := map[string]string{
		"dropped":                  ids[string(a3.Update)],
		"replayed":                 ids[string(a1.Update)],
		"acknowledged":             acked.ID,
		"never there (number)":     "987654321",
		"never there (not number)": "no such dead letter",
	}
	for what, id := range unknown {
		if err := q.(store.DeadLetterAdmin).Replay(t.Context(), id); !errors.Is(err, store.ErrNoDeadLetter) {
			t.Errorf("Replay(%q) of a dead letter %s: %v; want ErrNoDeadLetter", id, what, err)
		}
		if err := q.(store.DeadLetterAdmin).DropDeadLetter(t.Context(), id); !errors.Is(err, store.ErrNoDeadLetter) {
			t.Errorf("DropDeadLetter(%q) of a dead letter %s: %v; want ErrNoDeadLetter", id, what, err)
		}
	}
	c.stop(ack)
}

// shutdown: once its context ended, Consume returns nil when, and only
// when, every entry it delivered is ended.
func (s *queueSuite) shutdown(t *testing.T) {
	h, q := s.start(t)
	entries := []store.Entry{h.entry("alpha", "chat", ""), h.entry("alpha", "chat", ""), h.entry("beta", "chat", "")}
	for _, e := range entries {
		h.mustPush(q, e)
	}
	c := h.consume(t.Context(), "consumer", q, pass)
	holding := []store.Delivery{c.next()}
	c.cancel()

	// hold takes, for a while, what comes (a queue that keeps nothing
	// across restarts delivers what it holds), and checks that Consume
	// does not return meanwhile.
	hold := func(while string) {
		t.Helper()
		timer := time.NewTimer(50 * time.Millisecond)
		defer timer.Stop()
		for {
			select {
			case d := <-c.got:
				holding = append(holding, c.take(d))
			case <-c.done:
				h.fatalf("Consume returned (%v) after its context ended, while %s", c.err, while)
			case <-timer.C:
				return
			}
		}
	}
	hold("the test held every entry it delivered")
	last := len(holding) - 1
	for _, d := range holding[:last] {
		c.mustEnd(ack, d)
	}
	holding = holding[last:]
	hold("the test held one entry it delivered")
	c.stop(ack)

	if s.opts.Reopen != nil { // what was not delivered is still there
		q = s.opts.Reopen(t, q)
		c = h.consume(t.Context(), "consumer after Reopen", q, ackAsync)
		h.waitEnded()
		c.stop(ack)
	}
}

// consumeEndedContext: Consume with an ended context returns nil, having
// delivered at most what it holds.
func (s *queueSuite) consumeEndedContext(t *testing.T) {
	h, q := s.start(t)
	for i := range 3 {
		h.mustPush(q, h.entry("alpha", "chat", fmt.Sprint("key-", i)))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c := h.consume(ctx, "consumer", q, ackAsync)
	c.stop(ack)

	if s.opts.Reopen != nil { // what was not delivered is still there
		q = s.opts.Reopen(t, q)
		c = h.consume(t.Context(), "consumer after Reopen", q, ackAsync)
		h.waitEnded()
		c.stop(ack)
	}
}

// pushInterleaved pushes perChat entries to each of the chats, the chats
// in turns, and returns them in push order.
func pushInterleaved(h *harness, q store.Queue, chats []string, perChat int) []store.Entry {
	h.t.Helper()
	var list []store.Entry
	for i := range perChat {
		for _, chat := range chats {
			e := h.entry("alpha", chat, fmt.Sprint("key-", chat, "-", i))
			h.mustPush(q, e)
			list = append(list, e)
		}
	}
	return list
}

// restartRedeliversReleased: what a consumer released when it stopped is
// delivered by the next one, first, in order.
func (s *queueSuite) restartRedeliversReleased(t *testing.T) {
	s.needReopen(t)
	h, q := s.start(t)
	pushInterleaved(h, q, []string{"chat-a", "chat-b", "chat-c"}, 4)
	c := h.consume(t.Context(), "consumer", q, pass)
	first := []store.Delivery{c.next(), c.next(), c.next()}
	c.mustEnd(ack, first[0])
	c.stop(release) // releases first[1] and first[2], and what else comes
	q = s.opts.Reopen(t, q)
	c = h.consume(t.Context(), "consumer after Reopen", q, ackAsync)
	h.waitEnded()
	for _, d := range first[1:] {
		if n := h.deliveries(store.Entry{Update: d.Update}); n != 2 {
			t.Errorf("%q, released at the end of a Consume, was delivered %d times; want 2", show(d.Update), n)
		}
	}
	c.stop(ack)
}

// crashRedelivers: what a consumer held when its process died is
// delivered by the next one, first, in order.
func (s *queueSuite) crashRedelivers(t *testing.T) {
	s.needCrash(t)
	h, q := s.start(t)
	pushInterleaved(h, q, []string{"chat-a", "chat-b", "chat-c"}, 4)
	c := h.consume(t.Context(), "consumer", q, pass)
	first := []store.Delivery{c.next(), c.next(), c.next()}
	c.mustEnd(ack, first[0])
	c.crash() // with first[1] and first[2] held
	q = s.opts.Reopen(t, q)
	c = h.consume(t.Context(), "consumer after the crash", q, ackAsync)
	h.waitEnded()
	for _, d := range first[1:] {
		if n := h.deliveries(store.Entry{Update: d.Update}); n != 2 {
			t.Errorf("%q, held by a consumer that crashed, was delivered %d times; want 2", show(d.Update), n)
		}
	}
	c.stop(ack)
}

// balance pushes rounds of entries to many chats until both consumers had
// some.
func balance(h *harness, queues [2]store.Queue, c1, c2 *consumer, done func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(h.bound)
	for round := 0; ; round++ {
		for chat := range 64 {
			h.mustPush(queues[chat%2], h.entry("alpha", fmt.Sprint("chat-", chat), fmt.Sprint("balance-", round, "-", chat)))
		}
		h.waitFor("a round of entries to be delivered", done)
		if c1.deliveries() > 0 && c2.deliveries() > 0 {
			h.check()
			return
		}
		if time.Now().After(deadline) {
			h.fatalf("after %v, only one of two consumers of a shared queue had entries (%d and %d deliveries)",
				h.bound, c1.deliveries(), c2.deliveries())
		}
		time.Sleep(h.opts.LeaseTTL / 4)
	}
}

// sharedConsumers: two consumers share the chats, never hold one entry
// together, and deliver each entry once.
func (s *queueSuite) sharedConsumers(t *testing.T) {
	s.needShared(t)
	h, q1 := s.start(t)
	q2 := s.opts.Reopen(t, q1)
	c1 := h.consume(t.Context(), "first consumer", q1, ackAsync)
	c2 := h.consume(t.Context(), "second consumer", q2, ackAsync)
	balance(h, [2]store.Queue{q1, q2}, c1, c2, func() bool { return len(h.notEnded()) == 0 })

	const chats, perChat, producers = 50, 10, 5
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range perChat {
				for chat := p; chat < chats; chat += producers {
					q := [2]store.Queue{q1, q2}[(chat+i)%2]
					h.pushAsync(q, h.entry("alpha", fmt.Sprint("chat-", chat), fmt.Sprint("key-", chat, "-", i)))
				}
			}
		})
	}
	wg.Wait()
	h.waitEnded()
	c1.stop(ack)
	c2.stop(ack)
}

// sharedTakeover: when a consumer crashes, the other takes its chats, and
// delivers what it held first, in order.
func (s *queueSuite) sharedTakeover(t *testing.T) {
	s.needShared(t)
	s.needCrash(t)
	h, q1 := s.start(t)
	q2 := s.opts.Reopen(t, q1)
	var keeping atomic.Bool
	c1 := h.consume(t.Context(), "first consumer", q1, func(c *consumer, d store.Delivery) {
		if keeping.Load() {
			keep(c, d)
		} else {
			ackAsync(c, d)
		}
	})
	c2 := h.consume(t.Context(), "second consumer", q2, ackAsync)
	balance(h, [2]store.Queue{q1, q2}, c1, c2, func() bool { return len(h.notEnded()) == 0 })

	// The first consumer keeps what it gets from now on.
	keeping.Store(true)
	// settled reports whether every entry is ended or kept by c1, and
	// how many c1 keeps.
	settled := func() (bool, int) {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, it := range h.items {
			if it.phase == queued || it.phase == held && it.by.c != c1 {
				return false, len(c1.kept)
			}
		}
		return true, len(c1.kept)
	}
	deadline := time.Now().Add(h.bound)
	for round := 0; ; round++ {
		for chat := range 64 {
			for i := range 2 {
				h.mustPush(q1, h.entry("alpha", fmt.Sprint("chat-", chat), fmt.Sprint("held-", round, "-", chat, "-", i)))
			}
		}
		h.waitFor("the consumers to take a round of entries", func() bool { ok, _ := settled(); return ok })
		if _, n := settled(); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			h.fatalf("after %v, the first consumer of a shared queue got no entry any more", h.bound)
		}
		time.Sleep(h.opts.LeaseTTL / 4)
	}
	h.check()
	c1.crash()
	h.mu.Lock()
	kept := slices.Clone(c1.kept)
	h.mu.Unlock()

	// Its deliveries are no longer owned.
	h.waitFor("the Owned of the deliveries of the crashed consumer to end", func() bool {
		for _, d := range kept {
			if d.Owned != nil && d.Owned.Err() == nil {
				return false
			}
		}
		return true
	})

	// The second consumer delivers them again before the new ones.
	for chat := range 64 {
		h.mustPush(q2, h.entry("alpha", fmt.Sprint("chat-", chat), fmt.Sprint("after-", chat)))
	}
	h.waitEnded()
	for _, d := range kept {
		if n := h.deliveries(store.Entry{Update: d.Update}); n != 2 {
			t.Errorf("%q, held by a consumer that crashed, was delivered %d times; want 2", show(d.Update), n)
		}
	}
	c2.stop(ack)
}
