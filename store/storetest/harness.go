package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
)

// The harness follows the entries of one subtest through a Queue: which
// were pushed, in which order each chat's must come, and which consumer
// holds each. It checks every delivery against Queue's promises as it is
// made, from Consume's goroutines, and reports what broke them from the
// test's goroutine: at the end of the subtest, and wherever the subtest
// calls check or waits.
//
// A delivery breaks a promise when the entry was never stored; when its
// Provider, ChatID, Key or Pushed differ from the Push's; when its ID is
// empty, another entry's, or not the one it was delivered with before
// (a Replay may change it); when the entry was acknowledged or dead
// lettered (by a consumer that owned it); when another consumer holds the
// entry and still owns it; when an earlier entry of its chat is still to
// be delivered (never delivered, released, or left by a consumer that
// crashed or lost its lease); or when the consumer's deliver still runs
// for an earlier entry of the chat.

// phase is where an entry stands.
type phase uint8

const (
	queued phase = iota // stored, to be delivered
	held                // delivered, not ended
	done                // acknowledged or dead lettered
)

// item is an entry the harness follows. Its Update, unique in a subtest,
// names it.
type item struct {
	e     store.Entry // as pushed
	chat  string
	phase phase
	by    *holding // when held: the delivery that holds it

	// ending: an Ack, Release or DeadLetter of the holding runs, so the
	// queue may have ended it already.
	ending bool
	// loose: it was acknowledged by a consumer whose Owned had ended, so
	// that the queue may have taken the Ack or not: it may come again,
	// and need not.
	loose bool

	// slip: it was released, and Consume may have picked a later entry
	// of its chat before the Release, and hand it over after: one later
	// entry may still come before it.
	slip int

	id string // the ID it was delivered with, "" before
	n  int    // deliveries
}

// holding is one delivery of an item to a consumer.
type holding struct {
	c *consumer
	d store.Delivery
}

// owned reports whether the delivery is still owned by a consumer that
// runs: then no other consumer may hold the entry.
func (hd *holding) owned() bool {
	return hd.c.alive() && (hd.d.Owned == nil || hd.d.Owned.Err() == nil)
}

// waiting reports whether the queue has it to deliver, so that it must
// come before any later entry of its chat.
func (it *item) waiting() bool {
	switch it.phase {
	case queued:
		return true
	case held:
		// A holder that crashed, or lost its lease, left it to the queue.
		return !it.ending && !it.loose && !it.by.owned()
	}
	return false
}

func (it *item) String() string { return fmt.Sprintf("%q", show(it.e.Update)) }

// maxProblems bounds what a subtest reports: a broken queue breaks the
// same promise many times.
const maxProblems = 20

// harness is the bookkeeping of one subtest; see above.
type harness struct {
	t     *testing.T
	opts  QueueOptions
	bound time.Duration // how long a wait may last before the test fails

	mu       sync.Mutex
	serial   int
	items    map[string]*item   // by Update
	chats    map[string][]*item // by chat, in the order they must come
	ids      map[string]*item   // by the ID delivered
	problems []string
	reported int
}

// baseBound is how long a wait may last, plus ten LeaseTTLs. The suite's
// own tests shorten it, to fail buggy queues sooner.
var baseBound = 5 * time.Second

func newHarness(t *testing.T, opts QueueOptions) *harness {
	h := &harness{
		t:     t,
		opts:  opts,
		bound: baseBound + 10*opts.LeaseTTL,
		items: make(map[string]*item),
		chats: make(map[string][]*item),
		ids:   make(map[string]*item),
	}
	t.Cleanup(h.report) // the first cleanup, so the last to run
	return h
}

// problemf records a broken promise; h.mu is held.
func (h *harness) problemf(format string, args ...any) {
	if len(h.problems) < maxProblems {
		h.problems = append(h.problems, fmt.Sprintf(format, args...))
	}
}

// failf records a broken promise.
func (h *harness) failf(format string, args ...any) {
	h.mu.Lock()
	h.problemf(format, args...)
	h.mu.Unlock()
}

// report fails the test with the problems recorded since the last report.
func (h *harness) report() {
	h.t.Helper()
	h.mu.Lock()
	list := h.problems[h.reported:]
	h.reported = len(h.problems)
	h.mu.Unlock()
	for _, p := range list {
		h.t.Error(p)
	}
}

// check reports the problems recorded, and ends the test if it failed.
func (h *harness) check() {
	h.t.Helper()
	h.report()
	if h.t.Failed() {
		h.t.FailNow()
	}
}

// fatalf reports the problems recorded, then ends the test with the
// message.
func (h *harness) fatalf(format string, args ...any) {
	h.t.Helper()
	h.report()
	h.t.Fatalf(format, args...)
}

func chatOf(provider, chatID string) string { return provider + "\x00" + chatID }

// entry returns a new entry of the chat (provider, chatID) with key. Its
// Update is unique in the subtest, and holds bytes that are not UTF-8.
func (h *harness) entry(provider, chatID, key string) store.Entry {
	h.mu.Lock()
	h.serial++
	n := h.serial
	h.mu.Unlock()
	return store.Entry{
		Provider: provider,
		ChatID:   chatID,
		Key:      key,
		Update:   fmt.Appendf(nil, "%s/%s/%d\x00\xff", provider, chatID, n),
		Pushed:   time.Now().Add(-time.Minute).Truncate(time.Millisecond),
	}
}

// push pushes e and follows it if it was stored.
func (h *harness) push(ctx context.Context, q store.Queue, e store.Entry) (bool, error) {
	h.expect(e)
	ok, err := q.Push(ctx, e)
	if err != nil || !ok {
		h.forget(e)
	}
	return ok, err
}

// mustPush pushes e, a new entry, and follows it.
func (h *harness) mustPush(q store.Queue, e store.Entry) {
	h.t.Helper()
	ok, err := h.push(context.Background(), q, e)
	if err != nil {
		h.fatalf("Push of %q: %v", show(e.Update), err)
	}
	if !ok {
		h.fatalf("Push of %q (Provider %q, Key %q) reported a duplicate; it is the first Push of that key", show(e.Update), e.Provider, e.Key)
	}
}

// pushAsync is push for goroutines other than the test's: it records a
// problem when e is not stored.
func (h *harness) pushAsync(q store.Queue, e store.Entry) {
	ok, err := h.push(context.Background(), q, e)
	switch {
	case err != nil:
		h.failf("Push of %q: %v", show(e.Update), err)
	case !ok:
		h.failf("Push of %q (Provider %q, Key %q) reported a duplicate; it is the first Push of that key", show(e.Update), e.Provider, e.Key)
	}
}

// expect follows e from now on, behind the entries of its chat.
func (h *harness) expect(e store.Entry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	name := string(e.Update)
	if h.items[name] != nil {
		panic("storetest: an entry pushed twice: " + name)
	}
	it := &item{e: e, chat: chatOf(e.Provider, e.ChatID)}
	h.items[name] = it
	h.chats[it.chat] = append(h.chats[it.chat], it)
}

// forget stops following e, which was not stored.
func (h *harness) forget(e store.Entry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := h.items[string(e.Update)]
	delete(h.items, string(e.Update))
	h.chats[it.chat] = slices.DeleteFunc(h.chats[it.chat], func(x *item) bool { return x == it })
}

// delivered checks a delivery to c as deliver is called, and records it.
func (h *harness) delivered(c *consumer, d store.Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.count++
	chat := chatOf(d.Provider, d.ChatID)
	c.active[chat]++
	if c.active[chat] > 1 {
		h.problemf("%s: deliver was called with %q while a call for an earlier entry of its chat had not returned: "+
			"the entries of one chat must reach deliver one after the other", c.name, show(d.Update))
	}
	it := h.items[string(d.Update)]
	if it == nil {
		h.problemf("%s: delivered %q (ID %q, Provider %q, ChatID %q, Key %q), which was never stored: "+
			"no Push of it returned true, or the Update changed", c.name, show(d.Update), d.ID, d.Provider, d.ChatID, d.Key)
		return
	}
	if d.Provider != it.e.Provider || d.ChatID != it.e.ChatID || d.Key != it.e.Key {
		h.problemf("%s: %v delivered with Provider %q, ChatID %q, Key %q; pushed with %q, %q, %q",
			c.name, it, d.Provider, d.ChatID, d.Key, it.e.Provider, it.e.ChatID, it.e.Key)
	}
	if diff := d.Pushed.Sub(it.e.Pushed); diff < -time.Millisecond || diff > time.Millisecond {
		h.problemf("%s: %v delivered with Pushed %v; pushed with %v", c.name, it, d.Pushed, it.e.Pushed)
	}
	switch {
	case d.ID == "":
		h.problemf("%s: %v delivered with an empty ID", c.name, it)
	case it.id == "":
		if other := h.ids[d.ID]; other != nil && other != it {
			h.problemf("%s: %v delivered with ID %q, the ID of %v", c.name, it, d.ID, other)
		}
		h.ids[d.ID] = it
		it.id = d.ID
	case d.ID != it.id:
		h.problemf("%s: %v delivered again with ID %q, before with %q: an ID identifies its entry", c.name, it, d.ID, it.id)
	}
	switch it.phase {
	case done:
		if !it.loose {
			h.problemf("%s: %v delivered again after it was acknowledged or dead lettered", c.name, it)
		}
	case held:
		switch {
		case it.ending || !it.by.owned():
		case it.by.c == c:
			h.problemf("%s: %v delivered again while it held it: it was not released", c.name, it)
		default:
			h.problemf("%s: %v delivered while %s held it, and its Owned had not ended: "+
				"two consumers must not hold one entry at once", c.name, it, it.by.c.name)
		}
	}
	for _, y := range h.chats[it.chat] {
		if y == it {
			break
		}
		if y.waiting() && y.slip > 0 {
			y.slip--
			continue
		}
		if y.waiting() {
			h.problemf("%s: %v delivered before %v, an earlier entry of its chat that the queue still had to deliver", c.name, it, y)
			break
		}
	}
	it.phase, it.by, it.ending, it.slip = held, &holding{c: c, d: d}, false, 0
	it.n++
}

// How a delivery ends.
type ending uint8

const (
	ack ending = iota
	release
	deadLetter
)

func (how ending) String() string {
	return [...]string{"Ack", "Release", "DeadLetter"}[how]
}

// heldBy returns the item d names when c holds it now, else nil; h.mu is
// held.
func (h *harness) heldBy(c *consumer, d store.Delivery) *item {
	it := h.items[string(d.Update)]
	if it == nil || it.phase != held || it.by.c != c {
		return nil
	}
	return it
}

// ending records that an end of d by c begins, and returns the holding
// it ends, or nil when c does not hold d's entry.
func (h *harness) ending(c *consumer, d store.Delivery) *holding {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := h.heldBy(c, d)
	if it == nil {
		return nil
	}
	it.ending = true
	return it.by
}

// ended records an end of hd, the holding of d by c, that returned err.
func (h *harness) ended(c *consumer, d store.Delivery, hd *holding, how ending, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := h.items[string(d.Update)]
	if it == nil {
		return
	}
	if hd == nil || it.by != hd {
		// Delivered again meanwhile: a release that the queue did before
		// it returned, or (an Ack) a takeover by another consumer, which
		// the queue may have taken or not.
		if how != release && err == nil {
			it.loose = true
		}
		return
	}
	it.ending = false
	if err != nil {
		return
	}
	if how == release {
		it.phase, it.by, it.slip = queued, nil, 1
		return
	}
	it.loose = c.crashed.Load() || (d.Owned != nil && d.Owned.Err() != nil)
	it.phase, it.by = done, nil
}

// replaying records that the dead letter of e is about to be replayed: it
// comes again, behind the entries of its chat, maybe with another ID.
func (h *harness) replaying(e store.Entry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := h.items[string(e.Update)]
	h.chats[it.chat] = append(slices.DeleteFunc(h.chats[it.chat], func(x *item) bool { return x == it }), it)
	it.phase, it.by, it.loose, it.id = queued, nil, false, ""
}

// waitStarted waits a little for a delivery of e to begin, so that a
// Release that follows comes while Consume waits in deliver (or holds e
// back, having nothing else to deliver).
func (h *harness) waitStarted(e store.Entry) {
	for deadline := time.Now().Add(100 * time.Millisecond); h.deliveries(e) == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
}

// deliveries returns how many times e was delivered.
func (h *harness) deliveries(e store.Entry) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.items[string(e.Update)].n
}

// notEnded returns the entries stored and not ended, at most a few.
func (h *harness) notEnded() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var list []string
	for _, chat := range h.chats {
		for _, it := range chat {
			if it.phase != done {
				list = append(list, fmt.Sprintf("%v (%s, delivered %d times)", it, [...]string{"queued", "held", ""}[it.phase], it.n))
			}
		}
	}
	slices.Sort(list)
	if len(list) > 5 {
		list = append(list[:5], "…")
	}
	return list
}

// waitEnded waits until every entry stored was delivered and ended.
func (h *harness) waitEnded() {
	h.t.Helper()
	deadline := time.Now().Add(h.bound)
	for {
		list := h.notEnded()
		if len(list) == 0 {
			break
		}
		if time.Now().After(deadline) {
			h.fatalf("waited %v for every entry to be delivered and ended; not ended: %s", h.bound, strings.Join(list, ", "))
		}
		time.Sleep(2 * time.Millisecond)
	}
	h.check()
}

// waitFor waits until cond holds, for up to h.bound.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(h.bound)
	for !cond() {
		if time.Now().After(deadline) {
			h.fatalf("waited %v for %s", h.bound, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// A consumer runs Consume of a Queue in a goroutine for a subtest, and
// hands what it delivers to handle.
type consumer struct {
	h      *harness
	name   string
	q      store.Queue
	handle func(*consumer, store.Delivery)

	got      chan store.Delivery // deliveries for the test, when handle is pass
	quit     chan struct{}       // closed when nobody takes from got any more
	quitOnce sync.Once
	cancel   context.CancelFunc
	done     chan struct{} // closed when Consume returned
	err      error         // what Consume returned, once done is closed
	crashed  atomic.Bool
	ends     sync.WaitGroup // ends that run in goroutines of their own

	// Guarded by h.mu.
	active map[string]int   // calls of deliver that run, by chat
	count  int              // deliveries
	open   []store.Delivery // taken by the test and not ended
	kept   []store.Delivery // kept by handle keep
}

// consume starts a consumer of q, whose Consume's context is ctx's child.
func (h *harness) consume(ctx context.Context, name string, q store.Queue, handle func(*consumer, store.Delivery)) *consumer {
	ctx, cancel := context.WithCancel(ctx)
	c := &consumer{
		h:      h,
		name:   name,
		q:      q,
		handle: handle,
		got:    make(chan store.Delivery),
		quit:   make(chan struct{}),
		cancel: cancel,
		done:   make(chan struct{}),
		active: make(map[string]int),
	}
	h.t.Cleanup(c.cleanup)
	go func() {
		err := q.Consume(ctx, c.deliver)
		c.err = err
		close(c.done)
	}()
	return c
}

func (c *consumer) deliver(d store.Delivery) {
	if c.crashed.Load() {
		return // a dead process sees nothing
	}
	c.h.delivered(c, d)
	c.handle(c, d)
	c.h.mu.Lock()
	c.active[chatOf(d.Provider, d.ChatID)]--
	c.h.mu.Unlock()
}

// pass is a handle that hands d to the test, which takes it with next or
// expect; deliver returns once the test took it.
func pass(c *consumer, d store.Delivery) {
	select {
	case c.got <- d:
	case <-c.quit:
	}
}

// ackAsync is a handle that acknowledges d from a goroutine of its own.
func ackAsync(c *consumer, d store.Delivery) {
	c.ends.Add(1)
	go func() {
		defer c.ends.Done()
		if err := c.end(ack, d, ""); err != nil {
			c.h.failf("%s: Ack of %q: %v", c.name, show(d.Update), err)
		}
	}()
}

// keep is a handle that keeps d, never ending it.
func keep(c *consumer, d store.Delivery) {
	c.h.mu.Lock()
	c.kept = append(c.kept, d)
	c.h.mu.Unlock()
}

// alive reports whether c's Consume runs and c did not crash.
func (c *consumer) alive() bool {
	if c.crashed.Load() {
		return false
	}
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

func (c *consumer) returned() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// deliveries returns how many deliveries c had.
func (c *consumer) deliveries() int {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	return c.count
}

// take records d as taken by the test.
func (c *consumer) take(d store.Delivery) store.Delivery {
	c.h.mu.Lock()
	c.open = append(c.open, d)
	c.h.mu.Unlock()
	return d
}

// next returns the next delivery.
func (c *consumer) next() store.Delivery {
	c.h.t.Helper()
	timer := time.NewTimer(c.h.bound)
	defer timer.Stop()
	select {
	case d := <-c.got:
		return c.take(d)
	case <-c.done:
		c.h.fatalf("%s: Consume returned (%v) while the test waited for a delivery", c.name, c.err)
	case <-timer.C:
		c.h.fatalf("%s: no delivery within %v; not ended: %s", c.name, c.h.bound, strings.Join(c.h.notEnded(), ", "))
	}
	return store.Delivery{}
}

// expect takes the next len(entries) deliveries, which must be those of
// entries in any order (the harness checks the order of each chat), and
// returns them in the order of entries.
func (c *consumer) expect(entries ...store.Entry) []store.Delivery {
	c.h.t.Helper()
	list := make([]store.Delivery, len(entries))
	for range entries {
		d := c.next()
		i := slices.IndexFunc(entries, func(e store.Entry) bool { return string(e.Update) == string(d.Update) })
		if i < 0 || list[i].Update != nil {
			c.h.fatalf("%s: delivered %q (ID %q); the test waited for %s", c.name, show(d.Update), d.ID, missing(entries, list))
		}
		list[i] = d
	}
	return list
}

// expectAck is expect that acknowledges each delivery as it comes.
func (c *consumer) expectAck(entries ...store.Entry) []store.Delivery {
	c.h.t.Helper()
	list := make([]store.Delivery, len(entries))
	for range entries {
		d := c.next()
		i := slices.IndexFunc(entries, func(e store.Entry) bool { return string(e.Update) == string(d.Update) })
		if i < 0 || list[i].Update != nil {
			c.h.fatalf("%s: delivered %q (ID %q); the test waited for %s", c.name, show(d.Update), d.ID, missing(entries, list))
		}
		list[i] = d
		c.mustEnd(ack, d)
	}
	return list
}

// missing lists the entries that have no delivery in list.
func missing(entries []store.Entry, list []store.Delivery) string {
	var want []string
	for i, e := range entries {
		if list[i].Update == nil {
			want = append(want, fmt.Sprintf("%q", show(e.Update)))
		}
	}
	return strings.Join(want, ", ")
}

// until takes deliveries until one of e, and returns it and those that
// came before it, which the test still has to end.
func (c *consumer) until(e store.Entry) (store.Delivery, []store.Delivery) {
	c.h.t.Helper()
	var before []store.Delivery
	for {
		d := c.next()
		if string(d.Update) == string(e.Update) {
			return d, before
		}
		before = append(before, d)
	}
}

// end ends d as how says.
func (c *consumer) end(how ending, d store.Delivery, reason string) error {
	hd := c.h.ending(c, d)
	ctx := context.Background()
	var err error
	switch how {
	case ack:
		err = c.q.Ack(ctx, d)
	case release:
		err = c.q.Release(ctx, d)
	case deadLetter:
		err = c.q.DeadLetter(ctx, d, reason)
	}
	c.h.ended(c, d, hd, how, err)
	c.h.mu.Lock()
	c.open = slices.DeleteFunc(c.open, func(o store.Delivery) bool {
		return o.ID == d.ID && string(o.Update) == string(d.Update)
	})
	c.h.mu.Unlock()
	return err
}

// mustEnd ends d, failing the test on an error.
func (c *consumer) mustEnd(how ending, d store.Delivery) {
	c.h.t.Helper()
	if err := c.end(how, d, ""); err != nil {
		c.h.fatalf("%s: %v of %q: %v", c.name, how, show(d.Update), err)
	}
}

// takeOpen returns what the test took and did not end.
func (c *consumer) takeOpen() []store.Delivery {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	return slices.Clone(c.open)
}

// stop ends Consume's context, ends as how says every delivery the test
// holds and every one that comes, and requires Consume to return nil.
func (c *consumer) stop(how ending) {
	c.h.t.Helper()
	c.cancel()
	for _, d := range c.takeOpen() {
		c.mustEnd(how, d)
	}
	timer := time.NewTimer(c.h.bound)
	defer timer.Stop()
	for !c.returned() {
		select {
		case d := <-c.got:
			c.mustEnd(how, c.take(d))
		case <-c.done:
		case <-timer.C:
			c.h.fatalf("%s: Consume did not return within %v of the end of its context, with every delivery ended", c.name, c.h.bound)
		}
	}
	c.ends.Wait()
	c.closeQuit()
	if c.err != nil {
		c.h.fatalf("%s: Consume returned %v after its context ended; want nil", c.name, c.err)
	}
	c.checkReturned()
}

// checkReturned checks that c's Consume, which returned, ended nothing it
// delivered.
func (c *consumer) checkReturned() {
	c.h.t.Helper()
	c.h.mu.Lock()
	var open []string
	for _, it := range c.h.items {
		if it.phase == held && it.by.c == c && !it.ending {
			open = append(open, it.String())
		}
	}
	c.h.mu.Unlock()
	if len(open) > 0 {
		slices.Sort(open)
		c.h.fatalf("%s: Consume returned while entries it delivered were not ended: %s", c.name, strings.Join(open, ", "))
	}
}

func (c *consumer) closeQuit() { c.quitOnce.Do(func() { close(c.quit) }) }

// crash makes c's queue act as a process that died, with opts.Crash, and
// waits until its Consume returned.
func (c *consumer) crash() {
	c.h.t.Helper()
	c.crashed.Store(true)
	c.closeQuit() // what deliver was handing over, the dead process never saw
	c.h.opts.Crash(c.h.t, c.q)
	select {
	case <-c.done:
	case <-time.After(c.h.bound):
		c.h.fatalf("%s: Consume did not return within %v of Crash", c.name, c.h.bound)
	}
}

// cleanup stops c at the end of the subtest, if the subtest did not:
// it releases what c holds, so that Consume can return.
func (c *consumer) cleanup() {
	defer c.closeQuit()
	if c.crashed.Load() {
		return
	}
	c.cancel()
	if !c.returned() {
		for _, d := range c.takeOpen() {
			_ = c.end(release, d, "")
		}
		timer := time.NewTimer(c.h.bound)
		defer timer.Stop()
	wait:
		for {
			select {
			case d := <-c.got:
				_ = c.end(release, c.take(d), "")
			case <-c.done:
				break wait
			case <-timer.C:
				c.h.failf("%s: Consume did not return within %v of the end of its context, with every delivery released", c.name, c.h.bound)
				break wait
			}
		}
	}
	c.ends.Wait()
}

// show returns b for a message: its first bytes, and its length when it
// is longer.
func show(b []byte) string {
	const most = 48
	if len(b) <= most {
		return string(b)
	}
	return fmt.Sprintf("%s…(%d bytes)", b[:most], len(b))
}
