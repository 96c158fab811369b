package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// run runs every phase, prints the report to out and reports whether all
// checks passed.
func run(ctx context.Context, cfg Config, out io.Writer) bool {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	// A warm-up loads what loads once (phone metadata, pools) before the
	// goroutines and the heap are counted.
	warm := cfg
	warm.Chats, warm.Messages, warm.Faults.Budget = 2, 3, 0
	if p := runLoad(ctx, warm, "warmup", true, FaultPlan{}); p.Failed() {
		fmt.Fprintf(out, "FAIL: warm-up: %v %v\n", p.Err, p.Verdict)
		return false
	}
	goBefore, heapBefore := settle(0, 0)

	fmt.Fprintf(out, "cardbot load: %d chats × %d messages (%.0f%% duplicated, %.0f%% of chats on Aitu), handler latency %s, GOMAXPROCS %d\n",
		cfg.Chats, cfg.Messages, cfg.DupShare*100, cfg.AituShare*100, cfg.HandlerLatency, runtime.GOMAXPROCS(0))
	// timed runs a phase and times it. The profiler label tells the phases
	// apart in a -cpuprofile (pprof -tagfocus phase=async-load); the
	// goroutines a phase starts (servers, workers) inherit it.
	timed := func(label string, f func() Phase) Phase {
		t := time.Now()
		var p Phase
		pprof.Do(ctx, pprof.Labels("phase", label), func(context.Context) { p = f() })
		p.Wall = time.Since(t)
		return p
	}
	phases := []Phase{timed("bare", func() Phase { return runBare(ctx, cfg) })}
	for _, async := range modes(cfg.Modes) {
		m := modeName(async)
		phases = append(phases, timed(m+"-load", func() Phase { return runLoad(ctx, cfg, "load", async, FaultPlan{}) }))
		if cfg.Faults.Budget > 0 {
			phases = append(phases, timed(m+"-faults", func() Phase { return runLoad(ctx, cfg, "faults", async, cfg.Faults) }))
		}
		phases = append(phases, timed(m+"-shutdown", func() Phase { return runShutdown(ctx, cfg, async) }))
	}
	ok := report(out, cfg, phases)

	goAfter, heapAfter := settle(goBefore+cfg.GoroutineSlack, 5*time.Second)
	growth := int64(heapAfter) - int64(heapBefore)
	fmt.Fprintf(out, "goroutines: %d before, %d after (allowed %d); live heap: %.1f MiB before, %.1f MiB after (growth allowed %d MiB)\n",
		goBefore, goAfter, goBefore+cfg.GoroutineSlack, mib(heapBefore), mib(heapAfter), cfg.HeapGrowth)
	if goAfter > goBefore+cfg.GoroutineSlack {
		fmt.Fprintln(out, "FAIL: goroutines left behind")
		ok = false
	}
	if growth > cfg.HeapGrowth<<20 {
		fmt.Fprintln(out, "FAIL: the live heap grew")
		ok = false
	}
	if ctx.Err() != nil {
		fmt.Fprintf(out, "FAIL: the run hit its bound of %s\n", cfg.Timeout)
		ok = false
	}
	if ok {
		fmt.Fprintln(out, "PASS")
	}
	return ok
}

func modes(m string) []bool {
	switch m {
	case "sync":
		return []bool{false}
	case "async":
		return []bool{true}
	}
	return []bool{false, true}
}

// settle closes idle connections, waits up to wait for the goroutines to
// come down to want, and returns their count and the live heap after GC.
func settle(want int, wait time.Duration) (goroutines int, heap uint64) {
	deadline := time.Now().Add(wait)
	for {
		closeIdlePushes()
		runtime.GC()
		runtime.GC() // a second time for what sync.Pools keep one cycle
		goroutines = runtime.NumGoroutine()
		if goroutines <= want || !time.Now().Before(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return goroutines, ms.HeapAlloc
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// report prints the table of the phases and their verdicts, and reports
// whether they all passed.
func report(out io.Writer, cfg Config, phases []Phase) bool {
	ok := true
	var bare float64
	fmt.Fprintf(out, "\n%-6s %-9s %6s %7s %5s %7s %9s %8s %8s %8s %8s %8s %8s %-27s %s\n",
		"mode", "phase", "wall", "msgs", "dups", "posts", "msg/s", "vs bare", "ack p50", "ack p99", "done p50", "done p99", "peakRSS", "faults 429/500/slow/refused", "lost/doubled/stray/misrouted/disorder")
	for _, p := range phases {
		if p.Mode == "bare" {
			bare = p.Throughput
		}
		ratio := "-"
		if bare > 0 && p.Mode != "bare" && p.Name != "shutdown" {
			ratio = fmt.Sprintf("%.0f%%", 100*p.Throughput/bare)
		}
		check := "-"
		if v := p.Verdict; v != nil {
			check = fmt.Sprintf("%d/%d/%d/%d/%d", v.Lost, v.Doubled, v.Stray, v.Misrouted, v.Disorder)
		}
		faults := "-"
		if p.Name == "faults" {
			f := p.Faults
			faults = fmt.Sprintf("%d/%d/%d/%d", f[0], f[1], f[2], f[3])
		}
		fmt.Fprintf(out, "%-6s %-9s %5.1fs %7d %5d %7d %9.0f %8s %8s %8s %8s %8s %6.0fMB %-27s %s\n",
			p.Mode, p.Name, p.Wall.Seconds(), p.Msgs, p.Dups, p.Posts, p.Throughput, ratio, ms(p.Ack[0]), ms(p.Ack[1]), ms(p.Done[0]), ms(p.Done[1]), float64(p.PeakRSS)/1024, faults, check)
	}
	fmt.Fprintln(out)
	for _, p := range phases {
		for _, n := range p.Notes {
			fmt.Fprintf(out, "%s %s: %s\n", p.Mode, p.Name, n)
		}
		if p.Errors > 0 {
			fmt.Fprintf(out, "%s %s: the bot reported %d handler errors\n", p.Mode, p.Name, p.Errors)
		}
		if p.Failed() {
			ok = false
			fmt.Fprintf(out, "FAIL %s %s:", p.Mode, p.Name)
			if p.Err != nil {
				fmt.Fprintf(out, " %v", p.Err)
			}
			if p.Verdict != nil && len(p.Verdict.Problems) > 0 {
				fmt.Fprintf(out, "\n  %s", strings.Join(p.Verdict.Problems, "\n  "))
			}
			fmt.Fprintln(out)
		}
		if p.Mode == "async" && p.Name == "load" && bare > 0 {
			r := p.Throughput / bare
			fmt.Fprintf(out, "async/bare throughput: %.2f (target ≥ 0.50)\n", r)
			if cfg.MinRatio > 0 && r < cfg.MinRatio {
				ok = false
				fmt.Fprintf(out, "FAIL: async throughput below %.2f of bare\n", cfg.MinRatio)
			}
		}
	}
	return ok
}
