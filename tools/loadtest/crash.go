package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// The crash phase runs the echobot as processes on a durable store
// (DELIVERY=async): one on a file, or several sharing Redis behind the
// balancer. Provider accounts deliver serially; once a share of the load
// is acknowledged (-kill-at) and answers come, one process is killed with
// SIGKILL, the
// balancer notices -lb-lag later, and the process is started again on the
// same store -down after the kill. The checks: every update whose webhook
// was answered 200 is answered (nothing acknowledged is lost), each chat's
// first answers come in order, and only updates that were under way in
// the killed process are answered twice, no more of them than it had
// under way.

// ackWindow is how long before the kill an answer counts as under way: the
// killed process may have sent it and not yet acknowledged its entry.
const ackWindow = 250 * time.Millisecond

// killGrace is how long after the kill, beyond the slow-send delay, a
// send of the killed process may still come: a provider that got a whole
// request carries it out though its caller died, as the fake does.
const killGrace = 200 * time.Millisecond

// ProcConfig is the flags of the phases that run echobot processes.
type ProcConfig struct {
	Crash      []string // stores of the crash phase
	Throughput []string // modes of the throughput phase: sync, memory, file, redis
	Only       bool     // only these phases
	Chats      int
	Messages   int
	Accounts   Accounts
	Instances  int // on Redis
	SendDelay  time.Duration
	Pause      time.Duration // of an account after a failed delivery
	LBLag      time.Duration
	Down       time.Duration // from the kill to the restart
	KillAt     float64       // share of the load acknowledged at the kill
	Lease      time.Duration // STORE_LEASE
}

// crashReport is what the kill found.
type crashReport struct {
	at           time.Time
	acked        int64 // messages acknowledged at the kill
	open, recent int   // the killed process's API calls open, and answered within ackWindow
	restarted    time.Duration
	err          error
}

// runCrash runs the crash phase on the store kind.
func (h *harness) runCrash(ctx context.Context, kind string) Phase {
	pc := h.cfg.Procs
	n := 1
	if kind == storeRedis {
		n = pc.Instances
	}
	p := Phase{Name: "crash", Mode: "async", Proc: &procPhase{Store: kind, Delivery: "async", Instances: n, Killed: true, SendDelay: pc.SendDelay}}
	r, err := h.startProcRun(ctx, &p, clusterSpec{name: "crash-" + kind, instances: n, delivery: "async", store: kind, sendDelay: pc.SendDelay}, "crash")
	if err != nil {
		p.Err = err
		return p
	}
	defer r.close(&p)
	w, c, chats, accts, s := r.w, r.c, r.chats, r.accts, r.s
	var acked atomic.Int64
	s.onAck = func(n *note) {
		for _, it := range n.items {
			if !it.dup {
				acked.Add(1)
			}
		}
	}
	pushed := make(chan struct{})
	killed := make(chan crashReport, 1)
	go func() { killed <- h.crash(ctx, c, 0, w.rec, &acked, pushed) }()
	start := time.Now()
	s.run(ctx, accts)
	close(pushed)
	kr := <-killed
	if kr.err != nil {
		p.Err = kr.err
	}
	p.Proc.At, p.Proc.Open, p.Proc.Recent = kr.at, kr.open, kr.recent
	p.Proc.Victim, p.Proc.AckedAtKill = c.procs[0].name, kr.acked
	p.Proc.Restarted = kr.restarted
	h.finishProcPhase(ctx, &p, w, c, chats, start)
	p.Proc.doubledAt(w.rec, kr.at)
	if p.Failed() {
		p.Notes = append(p.Notes, "logs: "+c.logs())
	}
	return p
}

// crash kills process i once -kill-at of the load was acknowledged and
// the bot answered at least one message: the accounts are still
// delivering, the bot has handlings under way and updates queued. It
// takes the process out of the balancer -lb-lag later, and starts it
// again -down after the kill.
func (h *harness) crash(ctx context.Context, c *cluster, i int, rec *recorder, acked *atomic.Int64, pushed <-chan struct{}) crashReport {
	pc := h.cfg.Procs
	var r crashReport
	want := int64(pc.KillAt * float64(pc.Chats*pc.Messages))
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for began := time.Now(); ; {
		n, last := rec.count()
		if n > 0 && acked.Load() >= want {
			break
		}
		if last.Before(began) {
			last = began
		}
		select {
		case <-pushed:
			if time.Since(last) > settleIdle {
				r.err = fmt.Errorf("%d messages acknowledged and %d answered, then nothing for %s: no kill", acked.Load(), n, settleIdle)
				return r
			}
		default:
		}
		select {
		case <-ctx.Done():
			r.err = ctx.Err()
			return r
		case <-tick.C:
		}
	}
	r.at, r.acked = time.Now(), acked.Load()
	r.open, _ = c.underWay(i, r.at)
	c.procs[i].kill()
	_, r.recent = c.underWay(i, r.at.Add(-ackWindow))
	if sleep(ctx, pc.LBLag) != nil {
		return r
	}
	c.lb.setUp(i, false)
	if sleep(ctx, pc.Down-pc.LBLag) != nil {
		return r
	}
	if err := c.procs[i].start(ctx); err != nil {
		r.err = fmt.Errorf("restart: %w", err)
		return r
	}
	r.restarted = time.Since(r.at)
	c.lb.setUp(i, true)
	return r
}

// procLoad is the flags with the load of the process phases.
func (h *harness) procLoad() Config {
	cfg := h.cfg
	cfg.Chats, cfg.Messages = cfg.Procs.Chats, cfg.Procs.Messages
	return cfg
}

// finishProcPhase waits for the answers to what was acknowledged and
// checks them.
func (h *harness) finishProcPhase(ctx context.Context, p *Phase, w *world, c *cluster, chats [][]*Msg, start time.Time) {
	want := expects(chats, func(m *Msg) bool { return m.OK })
	for _, msgs := range chats {
		for _, m := range msgs {
			if !m.OK {
				p.Proc.Unacked++
			}
		}
	}
	idle := max(settleIdle, 3*h.cfg.Procs.Lease+2*time.Second)
	if err := awaitTokens(ctx, w.rec, want, idle); err != nil && p.Err == nil {
		p.Err = err
	}
	replies, first := w.rec.snapshot()
	p.measure(chats, start, first)
	v := Check(want, replies, true)
	p.Verdict = &v
	p.Proc.Served, p.Proc.Failed = c.lb.counts()
	if p.Proc.Unacked > 0 && p.Err == nil {
		p.Err = fmt.Errorf("%d messages never acknowledged: an account gave up after %d deliveries", p.Proc.Unacked, h.cfg.Rounds)
	}
}

// awaitTokens waits until every message of want has an answer and no
// reply more came for settleQuiet, or no reply came for idle.
func awaitTokens(ctx context.Context, rec *recorder, want []Expect, idle time.Duration) error {
	start := time.Now()
	for {
		n, last := rec.count()
		if last.Before(start) {
			last = start
		}
		quiet := time.Since(last)
		if quiet >= idle || quiet >= settleQuiet && rec.answered(want) {
			return nil
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return fmt.Errorf("waiting for the bot's replies (%d so far): %w", n, err)
		}
	}
}
