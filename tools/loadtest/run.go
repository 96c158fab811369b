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
	h := &harness{cfg: cfg, ws: &workspace{}}
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
	var phases []Phase
	if cfg.Procs.Only {
		h.goBefore, h.heapBefore = settle(0, 0)
	} else {
		var ok bool
		if phases, ok = h.inProcess(ctx, out); !ok {
			return false
		}
	}
	goBefore, heapBefore := h.goBefore, h.heapBefore
	phases = append(phases, h.procPhases(ctx, out)...)
	ok := report(out, cfg, phases)
	ok = reportProcs(out, phases) && ok
	if msg := h.ws.remove(!ok); msg != "" {
		fmt.Fprintln(out, msg)
	}

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

// inProcess runs the warm-up and the phases of the bot in this process
// (or the external one); it reports false when the warm-up failed.
func (h *harness) inProcess(ctx context.Context, out io.Writer) ([]Phase, bool) {
	cfg := h.cfg
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
		return nil, false
	}
	if !h.external() {
		h.goBefore, h.heapBefore = settle(0, 0)
	}

	bot := "in process"
	if h.external() {
		bot = "external at " + cfg.Bot
	}
	fmt.Fprintf(out, "cardbot load: %d chats × %d messages (%.0f%% duplicated; chats %.0f%% on WhatsApp, %.0f%% on MAX, %.0f%% on Aitu), handler latency %s, bot %s, GOMAXPROCS %d\n",
		cfg.Chats, cfg.Messages, cfg.DupShare*100, (1-cfg.AituShare-cfg.MAXShare)*100, cfg.MAXShare*100, cfg.AituShare*100, cfg.HandlerLatency, bot, runtime.GOMAXPROCS(0))
	phases := []Phase{
		timed(ctx, "bare", func() Phase { return h.runBare(ctx) }),
		timed(ctx, "floor", func() Phase { return h.runFloor(ctx) }),
	}
	for _, async := range modes(cfg.Modes) {
		m := modeName(async)
		phases = append(phases, timed(ctx, m+"-load", func() Phase { return h.runLoad(ctx, "load", async, FaultPlan{}) }))
		if cfg.Faults.Budget > 0 {
			phases = append(phases, timed(ctx, m+"-faults", func() Phase { return h.runLoad(ctx, "faults", async, cfg.Faults) }))
		}
		if !h.external() {
			phases = append(phases, timed(ctx, m+"-shutdown", func() Phase { return h.runShutdown(ctx, async) }))
		}
	}
	return phases, true
}

// procPhases runs the phases of echobot processes: the crash phase on
// each of its stores, then the throughput phase in each of its modes.
func (h *harness) procPhases(ctx context.Context, out io.Writer) []Phase {
	pc := h.cfg.Procs
	if len(pc.Crash)+len(pc.Throughput) == 0 {
		return nil
	}
	a := pc.Accounts
	fmt.Fprintf(out, "echobot processes: %d chats × %d messages (%.0f%% duplicated), accounts delivering serially: %d WhatsApp, %d MAX, %d Aitu (%d updates a webhook), sends answered after %s, pause after a failed delivery %s\n",
		pc.Chats, pc.Messages, h.cfg.DupShare*100, a.WhatsApp, a.MAX, a.Aitu, a.AituBatch, pc.SendDelay, pc.Pause)
	var phases []Phase
	for _, kind := range pc.Crash {
		phases = append(phases, timed(ctx, "crash-"+kind, func() Phase { return h.runCrash(ctx, kind) }))
	}
	for _, mode := range pc.Throughput {
		phases = append(phases, timed(ctx, "tput-"+mode, func() Phase { return h.runThroughput(ctx, mode) }))
	}
	return phases
}

// timed runs a phase and times it. The profiler label tells the phases
// apart in a -cpuprofile (pprof -tagfocus phase=async-load); the
// goroutines a phase starts (servers, workers) inherit it.
func timed(ctx context.Context, label string, f func() Phase) Phase {
	t := time.Now()
	var p Phase
	pprof.Do(ctx, pprof.Labels("phase", label), func(context.Context) { p = f() })
	p.Wall = time.Since(t)
	return p
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
