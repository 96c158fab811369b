package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// procPhase is what a phase of echobot processes adds to its Phase.
type procPhase struct {
	Store     string // memory, file or redis
	Delivery  string // sync or async
	About     string // the store, for the report
	Instances int
	Accounts  int // provider accounts delivering serially

	// The kill (crash phase only).
	Killed       bool
	Victim       string        // the process killed
	AckedAtKill  int64         // messages acknowledged then
	At           time.Time     // of the kill
	Open, Recent int           // the killed process's API calls open at the kill, and answered within ackWindow before it
	Restarted    time.Duration // from the kill to the restarted process's health
	Doubled      []time.Duration
	SendDelay    time.Duration // of the fakes: how late an open call may complete

	Unacked        int     // messages never acknowledged
	Served, Failed []int64 // webhook requests per instance: answered 200, and failed at the balancer
}

// InFlight is how many updates the killed process can have had under
// way: each open call is one update's, and each answer of the ack window
// one whose entry may not have been acknowledged yet.
func (pp *procPhase) InFlight() int { return pp.Open + pp.Recent }

// doubledAt finds the messages answered more than once and, for each,
// when its first answer came relative to the kill at.
func (pp *procPhase) doubledAt(rec *recorder, at time.Time) {
	_, first := rec.snapshot()
	for token, n := range rec.counts() {
		if n > 1 && token != "" {
			pp.Doubled = append(pp.Doubled, first[token].Sub(at))
		}
	}
	slices.Sort(pp.Doubled)
}

// doubledOK reports whether the doubled answers are those a kill may
// cause: no more than the killed process had under way, each first
// answered within ackWindow before the kill (or killGrace after it). It
// says why not.
func (pp *procPhase) doubledOK(doubled int) (bool, string) {
	if !pp.Killed {
		return doubled == 0, "doubled answers with no kill"
	}
	if doubled > pp.InFlight() {
		return false, fmt.Sprintf("%d doubled answers, more than the %d updates under way at the kill", doubled, pp.InFlight())
	}
	for _, d := range pp.Doubled {
		if d < -ackWindow || d > pp.SendDelay+killGrace {
			return false, fmt.Sprintf("a doubled answer first came %s from the kill: not under way then", d.Round(time.Millisecond))
		}
	}
	return true, ""
}

// procRun is what a phase of echobot processes runs on: its world, its
// processes behind the balancer, its load, the accounts that deliver it
// and their serial delivery.
type procRun struct {
	w     *world
	c     *cluster
	chats [][]*Msg
	accts []*account
	s     *serial
}

// startProcRun starts the world and the processes of spec, builds the
// phase's load and its accounts, and records them in p. close undoes it.
func (h *harness) startProcRun(ctx context.Context, p *Phase, spec clusterSpec, phase string) (*procRun, error) {
	pc := h.cfg.Procs
	w, err := newWorld(FaultPlan{}, nil)
	if err != nil {
		return nil, err
	}
	c, err := h.startCluster(ctx, w, spec)
	if err != nil {
		w.close()
		return nil, err
	}
	r := &procRun{w: w, c: c}
	p.Proc.About = c.st.about
	r.chats = buildLoad(w, phase, h.procLoad())
	r.accts = accounts(w, r.chats, pc.Accounts)
	p.Proc.Accounts = len(r.accts)
	r.s = newSerial(w, c.lb.URL, pc.Pause, h.cfg.Rounds)
	return r, nil
}

// close stops the delivery, the processes and the world; an error of the
// processes' end becomes p's when it has none.
func (r *procRun) close(p *Phase) {
	r.s.close()
	if err := r.c.close(); err != nil && p.Err == nil {
		p.Err = err
	}
	r.w.close()
}
