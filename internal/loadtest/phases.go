package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot"
)

// Phase is what one phase measured and found.
type Phase struct {
	Name       string
	Mode       string // bare, sync or async
	Msgs, Dups int
	Posts      int // webhook requests in all, redeliveries included
	Elapsed    time.Duration
	Throughput float64 // messages per second, to the last reply (bare: the last 200)
	Ack, Done  [2]time.Duration
	PeakRSS    int64 // KiB
	Faults     [faultKinds]int
	Errors     int64    // handler errors the bot reported
	Verdict    *Verdict // nil for bare
	Notes      []string
	Err        error
	Wall       time.Duration // the phase from setup to teardown
}

// Failed reports whether the phase breaks a rule.
func (p Phase) Failed() bool {
	return p.Err != nil || p.Verdict != nil && !p.Verdict.OK()
}

// measure fills p's figures from the pushed messages and the first reply
// times (nil for bare, whose completion is its acknowledgement).
func (p *Phase) measure(chats [][]*Msg, start time.Time, first map[string]time.Time) {
	var ack, done []time.Duration
	end := start
	for _, msgs := range chats {
		for _, m := range msgs {
			if !m.Pushed {
				continue
			}
			p.Msgs++
			p.Posts += m.Posts + m.DupPosts
			if m.Dup {
				p.Dups++
			}
			if !m.OK {
				continue
			}
			ack = append(ack, m.Acked.Sub(m.Start))
			fin := m.Acked
			if first != nil {
				t, ok := first[m.Token]
				if !ok {
					continue
				}
				fin = t
			}
			done = append(done, fin.Sub(m.Start))
			if fin.After(end) {
				end = fin
			}
		}
	}
	p.Elapsed = end.Sub(start)
	if p.Elapsed > 0 {
		p.Throughput = float64(len(done)) / p.Elapsed.Seconds()
	}
	p.Ack = [2]time.Duration{percentile(ack, 50), percentile(ack, 99)}
	p.Done = [2]time.Duration{percentile(done, 50), percentile(done, 99)}
}

func stopCtx(cfg Config) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cfg.Drain)
}

// runBare pushes the load to the bare echo server.
func runBare(ctx context.Context, cfg Config) Phase {
	p := Phase{Name: "bare", Mode: "bare"}
	w, err := newWorld(FaultPlan{})
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	t, err := startBare()
	if err != nil {
		p.Err = err
		return p
	}
	chats := buildLoad(w, "bare", cfg)
	resetPeakRSS()
	start := time.Now()
	w.push(ctx, t, chats, pushOptions{rounds: cfg.Rounds, pause: cfg.Pause})
	p.measure(chats, start, nil)
	p.PeakRSS = peakRSS()
	sctx, cancel := stopCtx(cfg)
	defer cancel()
	p.Err = t.stop(sctx)
	return p
}

// runLoad pushes the load to the bot, with the faults of plan, and checks
// that every message was answered once, in order.
func runLoad(ctx context.Context, cfg Config, name string, async bool, plan FaultPlan) Phase {
	p := Phase{Name: name, Mode: modeName(async)}
	w, err := newWorld(plan)
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	in, err := startBot(w, async, cfg, nil)
	if err != nil {
		p.Err = err
		return p
	}
	chats := buildLoad(w, name, cfg)
	resetPeakRSS()
	start := time.Now()
	w.push(ctx, in.target, chats, pushOptions{rounds: cfg.Rounds, pause: cfg.Pause})
	sctx, cancel := stopCtx(cfg)
	defer cancel()
	if err := in.stop(sctx); err != nil {
		p.Err = fmt.Errorf("shutdown: %w", err)
	}
	replies, first := w.rec.snapshot()
	p.measure(chats, start, first)
	p.PeakRSS = peakRSS()
	v := Check(expects(chats, nil), replies, true)
	p.Verdict = &v
	p.Faults = w.faults()
	p.Errors = in.errors.Load()
	return p
}

// runShutdown pushes the load, shuts the bot down gracefully once half of
// it is acknowledged, checks that every acknowledged message was answered,
// then delivers what was not acknowledged to a new instance (sharing the
// dedup store, as a persistent one would be) and checks the whole.
func runShutdown(ctx context.Context, cfg Config, async bool) Phase {
	p := Phase{Name: "shutdown", Mode: modeName(async)}
	w, err := newWorld(FaultPlan{})
	if err != nil {
		p.Err = err
		return p
	}
	defer w.close()
	dedup := cardbot.NewMemoryDedupStore(cardbot.DefaultDedupSize, time.Hour)
	first, err := startBot(w, async, cfg, dedup)
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
	if err := <-stopped; err != nil {
		p.Err = fmt.Errorf("shutdown of the first instance: %w", err)
	}

	// Whatever the first instance acknowledged, it answered before its
	// Shutdown returned.
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
	p.Notes = append(p.Notes, fmt.Sprintf("first instance: %d acknowledged, %d refused (503 or connection error), %d never pushed before it stopped; of the acknowledged %d lost, %d doubled; %d answered though not acknowledged",
		len(ok), refused, int(total)-len(ok)-refused, v1.Lost, v1.Doubled, v1.Stray))
	if v1.Lost > 0 || v1.Doubled > 0 || v1.Misrouted > 0 {
		p.Err = fmt.Errorf("acknowledged and not answered once by the first instance: %v", v1.Problems)
	}

	// The provider redelivers the rest, and the duplicates it could not
	// deliver, to a new instance.
	second, err := startBot(w, async, cfg, dedup)
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

func modeName(async bool) string {
	if async {
		return "async"
	}
	return "sync"
}
