package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Targets of the throughput phase (issue #9).
const (
	targetDurableVsSync = 20.0 // durable async ≥ 20× sync
	targetRedisVsMemory = 0.7  // Redis async ≥ 0.7× in-memory async
)

// reportProcs prints the table of the phases of echobot processes, what
// the kills found and the throughput ratios, and reports whether those
// phases passed.
func reportProcs(out io.Writer, phases []Phase) bool {
	ok, any := true, false
	for _, p := range phases {
		if p.Proc == nil {
			continue
		}
		if !any {
			fmt.Fprintf(out, "\n%-6s %-7s %-6s %4s %5s %6s %6s %5s %8s %8s %8s %8s %8s %s\n",
				"phase", "store", "mode", "proc", "accts", "msgs", "posts", "502s", "msg/s", "ack p50", "ack p99", "done p50", "done p99", "lost/doubled/stray/misrouted/disorder")
			any = true
		}
		pp := p.Proc
		check := "-"
		if v := p.Verdict; v != nil {
			check = fmt.Sprintf("%d/%d/%d/%d/%d", v.Lost, v.Doubled, v.Stray, v.Misrouted, v.Disorder)
		}
		var failed int64
		for _, n := range pp.Failed {
			failed += n
		}
		fmt.Fprintf(out, "%-6s %-7s %-6s %4d %5d %6d %6d %5d %8.0f %8s %8s %8s %8s %s\n",
			p.Name, pp.Store, p.Mode, pp.Instances, pp.Accounts, p.Msgs, p.Posts, failed, p.Throughput,
			ms(p.Ack[0]), ms(p.Ack[1]), ms(p.Done[0]), ms(p.Done[1]), check)
	}
	if !any {
		return true
	}
	fmt.Fprintln(out)
	for _, p := range phases {
		if p.Proc == nil {
			continue
		}
		name := p.Name + " " + p.Proc.Store
		if p.Mode == "sync" {
			name = p.Name + " sync"
		}
		fmt.Fprintf(out, "%s: %s, %d process(es), %.1fs; webhooks answered 200 per process %v, failed at the balancer %v\n",
			name, p.Proc.About, p.Proc.Instances, p.Wall.Seconds(), p.Proc.Served, p.Proc.Failed)
		if p.Proc.Killed && !p.Proc.At.IsZero() {
			fmt.Fprintf(out, "%s: %s\n", name, killNote(p))
		}
		for _, n := range p.Notes {
			fmt.Fprintf(out, "%s: %s\n", name, n)
		}
		if p.Failed() {
			ok = false
			failure(out, name, p)
		}
	}
	ratios(out, phases)
	return ok
}

// killNote says what the kill found: the updates under way, the doubled
// answers and when they first came.
func killNote(p Phase) string {
	pp := p.Proc
	var b strings.Builder
	fmt.Fprintf(&b, "SIGKILL of %s with %d messages acknowledged; under way in it: %d updates at most (%d API calls open, %d answered in the %s before); doubled %d",
		pp.Victim, pp.AckedAtKill, pp.InFlight(), pp.Open, pp.Recent, ackWindow, len(pp.Doubled))
	if n := len(pp.Doubled); n > 0 {
		fmt.Fprintf(&b, ", first answered %s to %s from the kill", signed(pp.Doubled[0]), signed(pp.Doubled[n-1]))
	}
	if p.Verdict != nil {
		fmt.Fprintf(&b, "; lost %d of %d acknowledged", p.Verdict.Lost, p.Verdict.Expected)
	}
	if pp.Restarted > 0 {
		fmt.Fprintf(&b, "; restarted and healthy %s after the kill", pp.Restarted.Round(time.Millisecond))
	}
	return b.String()
}

func signed(d time.Duration) string {
	d = d.Round(time.Millisecond)
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}

// ratios prints the throughput phase's ratios against their targets.
func ratios(out io.Writer, phases []Phase) {
	sync, mem := throughputOf(phases, tputSync), throughputOf(phases, storeMemory)
	var parts []string
	for _, mode := range []string{tputSync, storeMemory, storeFile, storeRedis} {
		if t := throughputOf(phases, mode); t > 0 {
			s := fmt.Sprintf("%s %.0f msg/s", mode, t)
			if mode != tputSync && sync > 0 {
				s += fmt.Sprintf(" (%.1f× sync)", t/sync)
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return
	}
	fmt.Fprintf(out, "throughput with slow sends: %s\n", strings.Join(parts, ", "))
	for _, mode := range []string{storeFile, storeRedis} {
		if t := throughputOf(phases, mode); t > 0 && sync > 0 {
			fmt.Fprintf(out, "durable async (%s) / sync: %.1f× (target ≥ %.0f×: %s)\n", mode, t/sync, targetDurableVsSync, met(t/sync >= targetDurableVsSync))
		}
	}
	if r := throughputOf(phases, storeRedis); r > 0 && mem > 0 {
		fmt.Fprintf(out, "Redis async / in-memory async: %.2f (target ≥ %.1f: %s)\n", r/mem, targetRedisVsMemory, met(r/mem >= targetRedisVsMemory))
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
