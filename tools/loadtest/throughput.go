package main

import (
	"context"
	"time"
)

// The throughput phase measures what the delivery modes give when the
// provider is slow: every API call with a body answers after -slow-send
// (150 ms by default), and the accounts deliver serially, as GREEN-API
// does. In sync mode an account waits for each handling, so it is bounded
// by one message per handling time; in async mode the webhook is answered
// once the update is stored, and the bot handles up to its concurrency
// (128 by default) chats at once. The same load runs, on one echobot
// process each, for sync (STORE=memory), async on memory, on a file and
// on Redis.

// Modes of the throughput phase: sync, then async on each store.
const tputSync = "sync"

// runThroughput runs the throughput phase in mode (sync, memory, file or
// redis).
func (h *harness) runThroughput(ctx context.Context, mode string) Phase {
	pc := h.cfg.Procs
	delivery, kind := "async", mode
	if mode == tputSync {
		delivery, kind = "sync", storeMemory
	}
	p := Phase{Name: "tput", Mode: delivery, Proc: &procPhase{Store: kind, Delivery: delivery, Instances: 1}}
	r, err := h.startProcRun(ctx, &p, clusterSpec{name: "tput-" + mode, instances: 1, delivery: delivery, store: kind, sendDelay: pc.SendDelay}, "tput")
	if err != nil {
		p.Err = err
		return p
	}
	defer r.close(&p)
	w, c, chats, accts, s := r.w, r.c, r.chats, r.accts, r.s
	start := time.Now()
	s.run(ctx, accts)
	h.finishProcPhase(ctx, &p, w, c, chats, start)
	if p.Failed() {
		p.Notes = append(p.Notes, "logs: "+c.logs())
	}
	return p
}

// throughputOf returns the throughput of the phase of mode among phases,
// or 0.
func throughputOf(phases []Phase, mode string) float64 {
	for _, p := range phases {
		if p.Name != "tput" || p.Proc == nil {
			continue
		}
		if mode == tputSync && p.Mode == "sync" || p.Mode == "async" && p.Proc.Store == mode {
			return p.Throughput
		}
	}
	return 0
}
