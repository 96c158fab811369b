package main

import (
	"context"
	"fmt"
	"time"
)

// runBare pushes the load to the bare echo server.
func (h *harness) runBare(ctx context.Context) Phase {
	p := Phase{Name: "bare", Mode: "bare"}
	w, err := h.world(FaultPlan{})
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	b, err := startBare(nil)
	if err != nil {
		p.Err = err
		return p
	}
	chats := buildLoad(w, "bare", h.cfg)
	resetPeakRSS()
	start := time.Now()
	w.push(ctx, b.target, chats, pushOptions{rounds: h.cfg.Rounds, pause: h.cfg.Pause})
	p.measure(chats, start, nil)
	p.PeakRSS = peakRSS()
	sctx, cancel := stopCtx(h.cfg)
	defer cancel()
	p.Err = b.stop(sctx)
	return p
}

// runFloor pushes the load to the bare echo server that also sends one
// text per webhook to the fake provider of its chat before its 200, and
// checks that every message was acknowledged and every webhook got a send.
func (h *harness) runFloor(ctx context.Context) Phase {
	p := Phase{Name: "bare+send", Mode: "floor"}
	w, err := h.world(FaultPlan{})
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	send := newFloorSender(w)
	defer send.close()
	b, err := startBare(send)
	if err != nil {
		p.Err = err
		return p
	}
	chats := buildLoad(w, "floor", h.cfg)
	resetPeakRSS()
	start := time.Now()
	w.push(ctx, b.target, chats, pushOptions{rounds: h.cfg.Rounds, pause: h.cfg.Pause})
	p.measure(chats, start, nil)
	p.PeakRSS = peakRSS()
	sctx, cancel := stopCtx(h.cfg)
	defer cancel()
	p.Err = b.stop(sctx)
	sends, _ := w.rec.count()
	acked, unacked := 0, 0
	for _, msgs := range chats {
		for _, m := range msgs {
			for _, ok := range []bool{m.OK, m.DupOK} {
				if ok {
					acked++
				}
			}
			if !m.OK || m.Dup && !m.DupOK {
				unacked++
			}
		}
	}
	handled := int(b.handled.Load())
	p.Notes = append(p.Notes, fmt.Sprintf("%d webhooks answered 200, each after its send; the fakes took %d sends", handled, sends))
	switch {
	case p.Err != nil:
	case unacked > 0:
		p.Err = fmt.Errorf("%d deliveries not acknowledged", unacked)
	case sends != handled || handled != acked:
		p.Err = fmt.Errorf("%d sends for %d webhooks answered (%d acknowledged): not one send each", sends, handled, acked)
	}
	return p
}
