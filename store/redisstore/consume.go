package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/store"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
)

// Messages on the wake channel besides a partition's number (new
// entries there).
const (
	msgJoin = "join"  // a member joined: the others look at the members again
	msgFree = "free:" // + partition: its lease was given up
)

// readBackoff bounds the waits after a failed read of a partition.
var readBackoff = retry.Backoff{Min: 50 * time.Millisecond, Max: 5 * time.Second}

// consumer is one running Consume: one member of the members set.
type consumer struct {
	q       *Queue
	ctx     context.Context // Consume's: when it ends, readers stop at once
	id      string
	deliver func(store.Delivery)
	log     *errLog
	wg      sync.WaitGroup // the readers and the listener

	// kick asks the manager for a round without a heartbeat; refresh asks
	// for one with it.
	kick    chan struct{}
	refresh chan struct{}

	// failed is closed when the client turned out closed: a failure that
	// no retry mends, so Consume gives up at once (see fail).
	failed   chan struct{}
	failOnce sync.Once
	failErr  error

	persist persistWatch // logs Redis's persistence at start and on reconnect

	mu       sync.Mutex
	parts    []*part
	unsure   bool         // the last renewal of a lease failed: try again soon
	target   []bool       // the partitions this member is to own, by the last heartbeat
	tryNow   map[int]bool // free target partitions to try before the next tick
	stopping bool
}

// part is a partition as one consumer sees it. Its fields are guarded by
// consumer.mu.
type part struct {
	n    int
	keys partKeys

	token  string             // the lease held, or ""
	owned  context.Context    // Delivery.Owned of this lease
	cancel context.CancelFunc // ends owned
	timer  *time.Timer        // loses the lease when no renewal came in time

	reading bool                // a reader runs (it may be in deliver)
	stop    bool                // the reader must stop: lease lost, handed over or shutdown
	restart bool                // a Release: read the pending entries again
	out     map[string]struct{} // delivered and not ended
	wake    chan struct{}       // capacity 1: new entries, or out emptied, or stop

	// acks counts the entries ended for good, and acked holds the count
	// at which each was, until no read of the pending list that began
	// before it can still be under way: such a read may return an entry
	// that was acknowledged after it read and before it delivers.
	acks  uint64
	acked map[string]uint64
}

// Consume implements store.Queue. See the package doc for how members
// share the partitions. It returns an error only when it cannot run at
// all: a nil deliver; another Consume of q running; a partition count
// stored in Redis by the first consumer that differs from
// Config.Partitions; or a closed client, when it returns at once without
// waiting for its deliveries, which the next owner of their partitions
// delivers again. Other Redis failures are retried with backoff and
// logged: the leases of a consumer cut from Redis run out, its
// deliveries' Owned contexts end, and it takes its partitions again,
// pending entries first, once Redis answers.
func (q *Queue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	if deliver == nil {
		return errors.New("redisstore: Consume: nil deliver")
	}
	c := &consumer{
		q:       q,
		ctx:     ctx,
		id:      uuid.NewString(),
		deliver: deliver,
		log:     &errLog{log: q.cfg.Logger},
		kick:    make(chan struct{}, 1),
		refresh: make(chan struct{}, 1),
		failed:  make(chan struct{}),
		parts:   make([]*part, len(q.parts)),
		target:  make([]bool, len(q.parts)),
		tryNow:  make(map[int]bool),
	}
	for p := range c.parts {
		c.parts[p] = &part{n: p, keys: q.parts[p], out: make(map[string]struct{}), wake: make(chan struct{}, 1)}
	}
	if !q.cons.CompareAndSwap(nil, c) {
		return errors.New("redisstore: Consume: another Consume of this Queue is running")
	}
	defer q.cons.Store(nil)
	return c.run(ctx)
}

func (c *consumer) run(ctx context.Context) error {
	bg := context.WithoutCancel(ctx)
	if err := c.checkPartitions(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	ps := c.q.c.Subscribe(bg, c.q.wake)
	c.wg.Add(1)
	go c.listen(ps.Channel())
	defer func() {
		_ = ps.Close()
		c.wg.Wait()
	}()

	tick := time.NewTicker(c.q.cfg.LeaseTTL / 3)
	defer tick.Stop()
	c.round(bg, true)
	c.publish(bg, msgJoin)
	done := ctx.Done()
	var again <-chan time.Time // a renewal failed: the next one comes sooner than the tick
	for {
		select {
		case <-tick.C:
			c.round(bg, true)
		case <-again:
			c.round(bg, true)
		case <-c.refresh:
			c.round(bg, false)
		case <-c.kick:
			c.settle(bg, false)
		case <-c.failed:
			c.abandon()
			return fmt.Errorf("redisstore: consume: %w", c.failErr)
		case <-done:
			done = nil
			c.mu.Lock()
			c.stopping = true
			c.mu.Unlock()
			c.leave(bg) // at once, so that the others count without it
			c.settle(bg, false)
		}
		if done == nil && c.drained() {
			c.leave(bg)
			return nil
		}
		again = nil
		c.mu.Lock()
		if c.unsure {
			again = time.After(c.renewRetry())
		}
		c.mu.Unlock()
	}
}

// renewRetry is the wait before a renewal is tried again after one
// failed: a tenth of LeaseTTL, so that a lease outlives an outage of Redis
// shorter than it, renewed as soon as Redis answers again.
func (c *consumer) renewRetry() time.Duration { return max(c.q.cfg.LeaseTTL/10, 10*time.Millisecond) }

// checkPartitions stores the partition count when none is stored, and
// fails when another count is. It retries Redis failures until ctx ends.
func (c *consumer) checkPartitions(ctx context.Context) error {
	want := strconv.Itoa(len(c.q.parts))
	for n := 1; ; n++ {
		err := c.q.c.SetNX(ctx, c.q.meta, want, 0).Err()
		var got string
		if err == nil {
			got, err = c.q.c.Get(ctx, c.q.meta).Result() // set once, never changed
		}
		switch {
		case err == nil && got == want:
			return nil
		case err == nil:
			return fmt.Errorf("redisstore: the queue %q has %s partitions in Redis, and Config.Partitions is %s", c.q.cfg.Prefix, got, want)
		}
		if errors.Is(err, redis.ErrClosed) {
			return fmt.Errorf("redisstore: consume: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		c.log.warn("redisstore: Consume cannot start", err)
		if retry.Sleep(ctx, readBackoff.Wait(n, 0)) != nil {
			return nil
		}
	}
}

// round is one turn of the manager: a heartbeat (unless shutting down),
// the renewal of the leases held when renew, then settle.
func (c *consumer) round(ctx context.Context, renew bool) {
	c.mu.Lock()
	stopping := c.stopping
	c.mu.Unlock()
	if !stopping {
		c.heartbeat(ctx)
	}
	if renew {
		c.renew(ctx)
	}
	c.settle(ctx, renew)
}

// heartbeat keeps c in the members set and sets its target partitions:
// those whose number modulo the count of live members is c's place among
// them, sorted by id.
func (c *consumer) heartbeat(ctx context.Context) {
	members, err := heartbeatScript.Run(ctx, c.q.c, []string{c.q.members}, c.id, ms(c.q.cfg.LeaseTTL)).StringSlice()
	c.persist.after(ctx, c, err)
	if err != nil {
		c.warn("redisstore: heartbeat failed", err)
		return
	}
	slices.Sort(members)
	i := slices.Index(members, c.id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping {
		return // left meanwhile
	}
	for p := range c.target {
		c.target[p] = i >= 0 && p%len(members) == i
	}
}

// leave takes c out of the members set.
func (c *consumer) leave(ctx context.Context) {
	if err := c.q.c.ZRem(ctx, c.q.members, c.id).Err(); err != nil {
		c.warn("redisstore: leaving the members failed (the entry expires)", err)
	}
}

// validity is how long after a renewal was sent a lease is taken to be
// held: a tenth less than LeaseTTL, for clocks that run at different
// rates.
func (c *consumer) validity() time.Duration { return c.q.cfg.LeaseTTL * 9 / 10 }

// renew extends every lease held, in one pipeline; a lease that is not
// the token's any more is lost at once, and one that cannot be renewed is
// lost when its timer fires.
func (c *consumer) renew(ctx context.Context) {
	type held struct {
		p     *part
		token string
		cmd   *redis.Cmd
	}
	var hs []held
	pipe := c.q.c.Pipeline()
	c.mu.Lock()
	for _, p := range c.parts {
		if p.token != "" {
			hs = append(hs, held{p: p, token: p.token,
				cmd: pipe.Eval(ctx, renewScript, []string{p.keys.lease, p.keys.fence}, p.token, ms(c.q.cfg.LeaseTTL), fenceOf(p.token))})
		}
	}
	c.mu.Unlock()
	if len(hs) == 0 {
		return
	}
	start := time.Now()
	_, _ = pipe.Exec(ctx)
	failed := false
	defer func() {
		c.mu.Lock()
		c.unsure = failed
		c.mu.Unlock()
	}()
	for _, h := range hs {
		n, err := h.cmd.Int()
		switch {
		case err != nil:
			failed = true
			c.warn("redisstore: renewing a lease failed", err, slog.Int("partition", h.p.n))
		case n == 0:
			c.lose(h.p, h.token, "another consumer holds it, or it expired")
		default:
			c.mu.Lock()
			if h.p.token == h.token {
				h.p.timer.Reset(time.Until(start.Add(c.validity())))
			}
			c.mu.Unlock()
		}
	}
}

// settle gives up the leases that c is not to keep once nothing of them
// is outstanding, and takes the free target partitions: all when all,
// else those a wake-up said are free.
func (c *consumer) settle(ctx context.Context, all bool) {
	for _, p := range c.parts {
		c.mu.Lock()
		keep := !c.stopping && c.target[p.n]
		if p.token != "" && !keep && !p.stop {
			p.stop = true
			signal(p.wake)
		}
		if p.token != "" && p.stop && !p.reading && len(p.out) == 0 {
			token := p.token
			c.mu.Unlock()
			c.release(ctx, p, token)
			continue
		}
		try := p.token == "" && keep && !p.reading && (all || c.tryNow[p.n])
		delete(c.tryNow, p.n)
		c.mu.Unlock()
		if try {
			c.acquire(ctx, p)
		}
	}
}

// acquire takes p's lease when it is free, and starts its reader.
func (c *consumer) acquire(ctx context.Context, p *part) {
	start := time.Now()
	token, err := acquireScript.Run(ctx, c.q.c, []string{p.keys.lease, p.keys.fence}, c.id, ms(c.q.cfg.LeaseTTL)).Text()
	switch {
	case errors.Is(err, redis.Nil):
		return // another member holds it
	case err != nil:
		c.warn("redisstore: taking a lease failed", err, slog.Int("partition", p.n))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p.token = token
	p.owned, p.cancel = context.WithCancel(context.Background())
	p.stop = c.stopping || !c.target[p.n] // things changed meanwhile: settle gives it back
	p.restart = false
	p.timer = time.AfterFunc(time.Until(start.Add(c.validity())), func() { c.expire(p, token) })
	if p.stop {
		signal(c.kick)
		return
	}
	p.reading = true
	c.wg.Add(1)
	go c.read(p, token, p.owned)
}

// release gives up p's lease, held by token, and tells the others.
//
// p is dropped here before the lease is deleted in Redis, never after: once
// another member can take the partition, nothing of this one holds it.
func (c *consumer) release(ctx context.Context, p *part, token string) {
	c.mu.Lock()
	if p.token == token {
		c.drop(p)
	}
	c.mu.Unlock()
	err := releaseScript.Run(ctx, c.q.c, []string{p.keys.lease}, token, c.q.wake, msgFree+p.keys.p).Err()
	if err != nil {
		c.warn("redisstore: giving up a lease failed (it expires)", err, slog.Int("partition", p.n))
	}
}

// expire runs when p's lease token was not renewed within its validity
// (Redis did not answer). Before it counts the lease as lost, it tries
// one more renewal, within the tenth of LeaseTTL by which the lease in
// Redis outlasts its validity: an outage of Redis that just ended then
// costs nothing, and a lease that Redis lost meanwhile (a restart) is
// taken again when no other consumer took it since (see renewScript).
func (c *consumer) expire(p *part, token string) {
	c.mu.Lock()
	held := p.token == token
	c.mu.Unlock()
	if !held {
		return
	}
	if !c.renewOne(context.Background(), p, token, c.q.cfg.LeaseTTL-c.validity()) {
		c.lose(p, token, "not renewed in time")
	}
}

// renewOne renews p's lease token alone, or takes it again when Redis
// lost it and no other consumer took it since, within wait, and reports
// whether token holds it now.
func (c *consumer) renewOne(ctx context.Context, p *part, token string, wait time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	start := time.Now()
	n, err := c.q.c.Eval(ctx, renewScript, []string{p.keys.lease, p.keys.fence}, token, ms(c.q.cfg.LeaseTTL), fenceOf(token)).Int()
	if err != nil || n == 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.token != token {
		return false
	}
	p.timer.Reset(time.Until(start.Add(c.validity())))
	return true
}

// lose ends p's lease token, when it is still held, because it was lost.
func (c *consumer) lose(p *part, token, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.token != token {
		return
	}
	c.q.cfg.Logger.Warn("redisstore: lost the lease of a partition; its deliveries are cancelled",
		slog.Int("partition", p.n), slog.String("why", why))
	c.drop(p)
	signal(c.kick)
}

// drop forgets p's lease: its reader stops and its Owned context ends.
// c.mu is held.
func (c *consumer) drop(p *part) {
	p.token = ""
	p.stop = true
	p.cancel()
	p.timer.Stop()
	signal(p.wake)
}

// drained reports whether c holds no lease, runs no reader and waits for
// no delivery to end.
func (c *consumer) drained() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.parts {
		if p.token != "" || p.reading || len(p.out) > 0 {
			return false
		}
	}
	return true
}

// ended counts the delivery id of partition n ended; again when it is
// still pending and must come again.
func (c *consumer) ended(n int, id string, again bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.parts[n]
	if _, ok := p.out[id]; !ok {
		return
	}
	delete(p.out, id)
	if !again {
		p.acks++
		if p.acked == nil {
			p.acked = make(map[string]uint64)
		}
		p.acked[id] = p.acks
	}
	if again {
		p.restart = true
		signal(p.wake)
	}
	if len(p.out) == 0 {
		signal(p.wake)
		if p.stop || c.stopping {
			signal(c.kick)
		}
	}
}

// listen turns the wake channel's messages into wake-ups of readers and
// rounds of the manager.
func (c *consumer) listen(ch <-chan *redis.Message) {
	defer c.wg.Done()
	for m := range ch {
		switch {
		case m.Payload == msgJoin:
			signal(c.refresh)
		case strings.HasPrefix(m.Payload, msgFree):
			n, err := strconv.Atoi(strings.TrimPrefix(m.Payload, msgFree))
			if err != nil || n < 0 || n >= len(c.parts) {
				continue
			}
			c.mu.Lock()
			if c.parts[n].token == "" && !c.stopping {
				c.tryNow[n] = true
				signal(c.refresh) // a member that left may have freed it
			}
			c.mu.Unlock()
		default:
			n, err := strconv.Atoi(m.Payload)
			if err != nil || n < 0 || n >= len(c.parts) {
				continue
			}
			signal(c.parts[n].wake)
		}
	}
}

// read delivers p's entries while token holds its lease: first the
// pending ones (delivered before and never ended, by any member), from
// the start, then new ones. It starts only once every entry delivered
// under an earlier lease of p has ended, so that none is delivered twice
// at once or out of order. After a Release it reads the pending entries
// again from the start, leaving out those still out.
func (c *consumer) read(p *part, token string, owned context.Context) {
	defer c.wg.Done()
	defer func() {
		c.mu.Lock()
		p.reading = false
		c.mu.Unlock()
		signal(c.kick)
	}()
	ctx := context.Background()
	cursor := "" // "": wait until nothing is out, then "0"; an id: pending entries after it; ">": new entries
	fails := 0
	for {
		c.mu.Lock()
		if p.stop || p.token != token || c.ctx.Err() != nil {
			c.mu.Unlock()
			return
		}
		if cursor == "" && len(p.out) > 0 {
			c.mu.Unlock()
			c.wait(p, c.q.cfg.PollInterval)
			continue
		}
		if cursor == "" || p.restart {
			p.restart = false
			cursor = "0"
		}
		snap := p.acks // entries ended after this may still be in what the read returns
		c.mu.Unlock()

		lost, last, entries, err := c.q.readPart(ctx, p, token, cursor)
		c.mu.Lock()
		for id, n := range p.acked {
			if n <= snap {
				delete(p.acked, id) // acknowledged in Redis before the read began
			}
		}
		c.mu.Unlock()
		if err != nil {
			fails++
			c.warn("redisstore: reading a partition failed", err, slog.Int("partition", p.n))
			c.wait(p, readBackoff.Wait(fails, 0))
			continue
		}
		fails = 0
		if lost && !c.renewOne(ctx, p, token, c.q.cfg.LeaseTTL-c.validity()) {
			c.lose(p, token, "another consumer holds it, or it expired")
			return
		}
		if lost {
			continue // taken again: Redis had lost it
		}
		switch {
		case cursor != ">" && last == cursor:
			cursor = ">" // the pending entries are all delivered
			continue
		case cursor != ">":
			cursor = last
		case len(entries) == 0:
			c.wait(p, c.q.cfg.PollInterval)
			continue
		}
		for _, e := range entries {
			c.mu.Lock()
			if p.stop || p.token != token || p.restart || c.ctx.Err() != nil {
				c.mu.Unlock()
				break // the rest stays pending, for whoever reads next
			}
			if _, out := p.out[e.ID]; out {
				c.mu.Unlock()
				continue // pending because it is being handled
			}
			if _, done := p.acked[e.ID]; done {
				c.mu.Unlock()
				continue // acknowledged while the read was under way
			}
			p.out[e.ID] = struct{}{}
			c.mu.Unlock()
			c.deliver(store.Delivery{Entry: e, Owned: owned})
		}
	}
}

// wait waits for a wake-up of p, at most d.
func (c *consumer) wait(p *part, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.wake:
	case <-t.C:
	case <-c.ctx.Done():
	}
}

// readPart runs readScript: lost when token does not hold p's lease any
// more, else the last id read and the entries.
func (q *Queue) readPart(ctx context.Context, p *part, token, cursor string) (lost bool, last string, entries []store.Entry, err error) {
	res, err := readScript.Run(ctx, q.c, []string{p.keys.lease, p.keys.stream},
		token, groupName, consumerName, q.cfg.BatchSize, cursor).Slice()
	if err != nil {
		return false, "", nil, fmt.Errorf("redisstore: read: %w", err)
	}
	if len(res) == 0 {
		return false, "", nil, errors.New("redisstore: read: empty reply")
	}
	if n, _ := res[0].(int64); n == 0 {
		return true, "", nil, nil
	}
	if len(res) < 3 {
		return false, "", nil, errors.New("redisstore: read: short reply")
	}
	last, _ = res[1].(string)
	list, _ := res[2].([]any)
	entries = make([]store.Entry, 0, len(list))
	for _, x := range list {
		e, _ := x.([]any)
		if len(e) < 2 {
			continue
		}
		id, _ := e[0].(string)
		f, _ := e[1].([]any)
		entries = append(entries, fieldList(f).entry(p.keys.p+"-"+id))
	}
	return false, last, entries, nil
}

// publish sends msg on the wake channel.
func (c *consumer) publish(ctx context.Context, msg string) {
	if err := c.q.c.Publish(ctx, c.q.wake, msg).Err(); err != nil {
		c.warn("redisstore: publishing failed", err)
	}
}

// warn logs a failure of the background work; a closed client fails
// Consume.
func (c *consumer) warn(msg string, err error, attrs ...any) {
	if errors.Is(err, redis.ErrClosed) {
		c.failOnce.Do(func() {
			c.failErr = err
			close(c.failed)
		})
		return
	}
	c.log.warn(msg, err, attrs...)
}

// abandon gives up everything after a failure no retry mends: the Owned
// contexts end and the readers stop; the leases, which cannot be given
// up, run out, and the deliveries still out are left to the next owner
// of their partitions.
func (c *consumer) abandon() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopping = true
	for _, p := range c.parts {
		if p.token != "" {
			c.drop(p)
		}
		p.stop = true
		signal(p.wake)
	}
}

// signal wakes whoever waits on ch, without blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// errLog logs Redis failures of the background work, at most one line
// per errLogEvery, with the count of those it kept back.
type errLog struct {
	log    *slog.Logger
	mu     sync.Mutex
	last   time.Time
	silent int
}

const errLogEvery = 10 * time.Second

func (l *errLog) warn(msg string, err error, attrs ...any) {
	l.mu.Lock()
	now := time.Now()
	if !l.last.IsZero() && now.Sub(l.last) < errLogEvery {
		l.silent++
		l.mu.Unlock()
		return
	}
	silent := l.silent
	l.last, l.silent = now, 0
	l.mu.Unlock()
	attrs = append(attrs, slog.Any("error", err))
	if silent > 0 {
		attrs = append(attrs, slog.Int("failures_not_logged", silent))
	}
	l.log.Warn(msg, attrs...)
}

// fenceOf returns the fence count a lease's token ends with.
func fenceOf(token string) string {
	if i := strings.LastIndexByte(token, ':'); i >= 0 {
		return token[i+1:]
	}
	return ""
}
