package main

import (
	"context"
	"time"
)

// Phase is what one phase measured and found.
type Phase struct {
	Name       string
	Mode       string // bare, floor, sync or async
	Msgs, Dups int
	Posts      int // webhook requests in all, redeliveries included
	Elapsed    time.Duration
	Throughput float64 // messages per second, to the last reply (bare and floor: the last 200)
	Ack, Done  [2]time.Duration
	PeakRSS    int64 // KiB
	Faults     [faultKinds]int
	Errors     int64    // handler errors the bot reported
	Verdict    *Verdict // nil for bare and floor
	Notes      []string
	Err        error
	Wall       time.Duration // the phase from setup to teardown
	Proc       *procPhase    // of a phase of echobot processes, or nil
}

// Failed reports whether the phase breaks a rule. After a kill, answers
// doubled by it pass (procPhase.doubledOK).
func (p Phase) Failed() bool {
	if p.Err != nil {
		return true
	}
	if p.Verdict == nil {
		return false
	}
	v := *p.Verdict
	if p.Proc != nil {
		if ok, _ := p.Proc.doubledOK(v.Doubled); !ok {
			return true
		}
		v.Doubled = 0
	}
	return !v.OK()
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

func modeName(async bool) string {
	if async {
		return "async"
	}
	return "sync"
}
