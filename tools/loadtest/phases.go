package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// runLoad pushes the load to the bot, with the faults of plan, and checks
// that every message was answered once, in order.
func (h *harness) runLoad(ctx context.Context, name string, async bool, plan FaultPlan) Phase {
	p := Phase{Name: name, Mode: modeName(async)}
	w, err := h.world(plan)
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	in, err := h.bot(w, async)
	if err != nil {
		p.Err = err
		return p
	}
	chats := buildLoad(w, name, h.cfg)
	resetPeakRSS()
	start := time.Now()
	w.push(ctx, in.target, chats, pushOptions{rounds: h.cfg.Rounds, pause: h.cfg.Pause})
	sctx, cancel := stopCtx(h.cfg)
	defer cancel()
	want := expects(chats, nil)
	if err := in.finish(sctx, len(want)); err != nil {
		p.Err = fmt.Errorf("end of the phase: %w", err)
	}
	replies, first := w.rec.snapshot()
	p.measure(chats, start, first)
	if !h.external() {
		p.PeakRSS = peakRSS() // an external bot's is its own
	}
	v := Check(want, replies, true)
	p.Verdict = &v
	p.Faults = w.faults()
	p.Errors = in.errors.Load()
	return p
}

// runShutdown pushes the load, shuts the bot down gracefully once half of
// it is acknowledged, checks that every acknowledged message was answered,
// then delivers what was not acknowledged to a new instance (sharing the
// dedup store, or in async mode the queue, as a persistent one would be)
// and checks the whole.
func (h *harness) runShutdown(ctx context.Context, async bool) Phase {
	cfg := h.cfg
	p := Phase{Name: "shutdown", Mode: modeName(async)}
	w, err := h.world(FaultPlan{})
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	keep, err := newKeeper(async)
	if err != nil {
		p.Err = err
		return p
	}
	defer func() {
		if err := keep.remove(); err != nil && p.Err == nil {
			p.Err = err
		}
	}()
	st, err := keep.open()
	if err != nil {
		p.Err = err
		return p
	}
	first, err := startBot(w, async, cfg, st)
	if err != nil {
		p.Err = err
		return p
	}
	chats := buildLoad(w, "shut", cfg)
	total := int64(cfg.Chats * cfg.Messages)
	var acked atomic.Int64
	half, pushed := make(chan struct{}), make(chan struct{})
	var once sync.Once
	stopped := make(chan error, 1)
	go func() {
		select {
		case <-half:
		case <-pushed:
		}
		sctx, cancel := stopCtx(cfg)
		defer cancel()
		stopped <- first.stop(sctx)
	}()
	resetPeakRSS()
	start := time.Now()
	w.push(ctx, first.target, chats, pushOptions{rounds: 1, stopOnFail: true, onAck: func() {
		if acked.Add(1) >= total/2 {
			once.Do(func() { close(half) })
		}
	}})
	close(pushed)
	if err := errors.Join(<-stopped, keep.release()); err != nil {
		p.Err = fmt.Errorf("shutdown of the first instance: %w", err)
	}

	// Whatever the first instance acknowledged, it answered before its
	// Shutdown returned (sync), or left in the queue's file for the next
	// instance (async: a durable queue keeps what it did not hand out).
	replies, _ := w.rec.snapshot()
	ok := expects(chats, func(m *Msg) bool { return m.OK })
	v1 := Check(ok, replies, false)
	refused := 0
	for _, msgs := range chats {
		for _, m := range msgs {
			if m.Pushed && !m.OK {
				refused++
			}
		}
	}
	fate := fmt.Sprintf("%d lost", v1.Lost)
	if async {
		fate = fmt.Sprintf("%d left queued", v1.Lost)
	}
	p.Notes = append(p.Notes, fmt.Sprintf("first instance: %d acknowledged, %d refused (503 or connection error), %d never pushed before it stopped; of the acknowledged %s, %d doubled; %d answered though not acknowledged",
		len(ok), refused, int(total)-len(ok)-refused, fate, v1.Doubled, v1.Stray))
	if !async && v1.Lost > 0 || v1.Doubled > 0 || v1.Misrouted > 0 {
		p.Err = fmt.Errorf("acknowledged and not answered once by the first instance: %v", v1.Problems)
	}

	// The provider redelivers the rest, and the duplicates it could not
	// deliver, to a new instance.
	if st, err = keep.open(); err != nil {
		p.Err = err
		return p
	}
	second, err := startBot(w, async, cfg, st)
	if err != nil {
		p.Err = err
		return p
	}
	rest := make([][]*Msg, len(chats))
	var dups []*Msg
	for c, msgs := range chats {
		for i, m := range msgs {
			if m.OK && m.Dup && !m.DupOK {
				dups = append(dups, m)
			}
			if !m.OK {
				rest[c] = msgs[i:]
				break
			}
		}
	}
	for _, m := range dups {
		if ok, _ := w.deliver(ctx, second.target, m, m.Body, cfg.Rounds, cfg.Pause); !ok {
			p.Err = fmt.Errorf("duplicate %s not acknowledged by the second instance", m.Token)
		}
	}
	w.push(ctx, second.target, rest, pushOptions{rounds: cfg.Rounds, pause: cfg.Pause})
	if async {
		// A durable queue's Shutdown stops taking entries and keeps the
		// rest for the next start: the answers are awaited instead.
		if err := awaitTokens(ctx, w.rec, expects(chats, nil), settleIdle); err != nil {
			p.Err = err
		}
	}
	sctx, cancel := stopCtx(cfg)
	defer cancel()
	if err := second.stop(sctx); err != nil {
		p.Err = fmt.Errorf("shutdown of the second instance: %w", err)
	}
	replies, firstAt := w.rec.snapshot()
	p.measure(chats, start, firstAt)
	p.PeakRSS = peakRSS()
	v := Check(expects(chats, nil), replies, true)
	p.Verdict = &v
	p.Errors = first.errors.Load() + second.errors.Load()
	p.Notes = append(p.Notes, fmt.Sprintf("second instance: %d redelivered duplicates, %d chats resumed", len(dups), countNonEmpty(rest)))
	return p
}

func countNonEmpty(chats [][]*Msg) int {
	n := 0
	for _, c := range chats {
		if len(c) > 0 {
			n++
		}
	}
	return n
}
