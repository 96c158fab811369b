package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"time"
)

// run runs every phase, prints the report to out and reports whether all
// checks passed.
func run(ctx context.Context, cfg Config, out io.Writer) bool {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	h := &harness{cfg: cfg}
	if cfg.Bot != "" {
		fr, err := listenFronts(cfg)
		if err != nil {
			fmt.Fprintf(out, "FAIL: the fake providers' addresses: %v\n", err)
			return false
		}
		defer fr.close()
		h.fronts = fr
		printEnv(out, cfg, fr)
		if err := waitHealthy(ctx, cfg.Bot, cfg.Wait); err != nil {
			fmt.Fprintf(out, "FAIL: %v\n", err)
			return false
		}
	}
	// A warm-up loads what loads once (phone metadata, pools) before the
	// goroutines and the heap are counted; against an external bot it also
	// shows that the bot runs with the environment printed.
	warm := *h
	warm.cfg.Chats, warm.cfg.Messages, warm.cfg.Faults.Budget = 3, 3, 0
	warm.cfg.AituShare, warm.cfg.MAXShare = 1.0/3, 1.0/3 // a chat on each messenger
	if p := warm.runLoad(ctx, "warmup", modes(cfg.Modes)[0], FaultPlan{}); p.Failed() {
		fmt.Fprintf(out, "FAIL: warm-up: %v %v\n", p.Err, p.Verdict)
		if h.external() {
			fmt.Fprintln(out, "(is the bot running with the environment above?)")
		}
		return false
	}
	var goBefore int
	var heapBefore uint64
	if !h.external() {
		goBefore, heapBefore = settle(0, 0)
	}

	bot := "in process"
	if h.external() {
		bot = "external at " + cfg.Bot
	}
	fmt.Fprintf(out, "cardbot load: %d chats × %d messages (%.0f%% duplicated; chats %.0f%% on WhatsApp, %.0f%% on MAX, %.0f%% on Aitu), handler latency %s, bot %s, GOMAXPROCS %d\n",
		cfg.Chats, cfg.Messages, cfg.DupShare*100, (1-cfg.AituShare-cfg.MAXShare)*100, cfg.MAXShare*100, cfg.AituShare*100, cfg.HandlerLatency, bot, runtime.GOMAXPROCS(0))
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
	phases := []Phase{
		timed("bare", func() Phase { return h.runBare(ctx) }),
		timed("floor", func() Phase { return h.runFloor(ctx) }),
	}
	for _, async := range modes(cfg.Modes) {
		m := modeName(async)
		phases = append(phases, timed(m+"-load", func() Phase { return h.runLoad(ctx, "load", async, FaultPlan{}) }))
		if cfg.Faults.Budget > 0 {
			phases = append(phases, timed(m+"-faults", func() Phase { return h.runLoad(ctx, "faults", async, cfg.Faults) }))
		}
		if !h.external() {
			phases = append(phases, timed(m+"-shutdown", func() Phase { return h.runShutdown(ctx, async) }))
		}
	}
	ok := report(out, cfg, phases)

	if h.external() {
		fmt.Fprintln(out, "external bot: the fault phase's refused connections were dropped ones (the fake's front closed the bot's connection without an answer): a refused connection needs the bot's own dialer")
		fmt.Fprintln(out, "external bot: skipped the shutdown phase and the goroutine and heap checks, which need the bot in this process; peakRSS of its phases is not measured (it is the bot's own)")
	} else {
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
