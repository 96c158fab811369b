// Command loadtest is cardbot's load and fault harness: it runs the
// echobot's bot in process behind webhook.Server on loopback, plays
// GREEN-API and Aitu with their fake servers, pushes N chats × M messages
// of texts, shared contacts and .vcf uploads with duplicates, redelivery,
// handler latency and provider faults, and checks that every message is
// answered exactly once, in order, that a graceful shutdown under load
// loses nothing acknowledged, and that no goroutine or heap is left behind.
// It measures the same load against a bare echo server in the same run.
// It exits 1 when a check fails. See BENCHMARKS.md.
//
//	go run ./internal/loadtest -chats 200 -messages 50
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"
)

// Config is the harness's flags.
type Config struct {
	Chats, Messages int
	Modes           string // sync, async or both
	DupShare        float64
	AituShare       float64
	HandlerLatency  time.Duration
	Faults          FaultPlan
	QueueSize       int
	Concurrency     int
	Rounds          int           // redelivery rounds of the provider
	Pause           time.Duration // between rounds
	Timeout         time.Duration // of the whole run
	Drain           time.Duration // of each graceful shutdown
	HeapGrowth      int64         // MiB
	GoroutineSlack  int
	MinRatio        float64 // async throughput / bare, 0: not checked
	Seed            uint64
	CPUProfile      string // file for a CPU profile of the whole run
}

func parseFlags(args []string, out io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&c.Chats, "chats", 20, "chats pushing at once (N)")
	fs.IntVar(&c.Messages, "messages", 20, "messages per chat (M)")
	fs.StringVar(&c.Modes, "mode", "both", "delivery mode of the bot: sync, async or both")
	fs.Float64Var(&c.DupShare, "dups", 0.1, "share of messages delivered twice")
	fs.Float64Var(&c.AituShare, "aitu", 0.25, "share of chats on Aitu (the rest on GREEN-API WhatsApp)")
	fs.DurationVar(&c.HandlerLatency, "latency", 0, "extra time each handling takes")
	fs.IntVar(&c.Faults.Budget, "faults", 40, "provider faults injected in the fault phase, per provider (0: no fault phase)")
	fs.IntVar(&c.Faults.Every, "fault-every", 7, "one send in this many gets a fault")
	fs.DurationVar(&c.Faults.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.DurationVar(&c.Faults.Slow, "slow", 200*time.Millisecond, "delay of a slow answer")
	fs.IntVar(&c.QueueSize, "queue", 0, "async queue size (0: cardbot's default)")
	fs.IntVar(&c.Concurrency, "concurrency", 0, "async handlers at once (0: cardbot's default)")
	fs.IntVar(&c.Rounds, "rounds", 100, "redelivery rounds of a webhook not answered 200 (each of 3 attempts)")
	fs.DurationVar(&c.Pause, "pause", 20*time.Millisecond, "pause between redelivery rounds")
	fs.DurationVar(&c.Timeout, "timeout", 5*time.Minute, "bound of the whole run")
	fs.DurationVar(&c.Drain, "drain", 30*time.Second, "bound of each graceful shutdown")
	fs.Int64Var(&c.HeapGrowth, "heap-growth", 8, "live heap growth allowed after the run, MiB")
	fs.IntVar(&c.GoroutineSlack, "goroutine-slack", 2, "goroutines allowed above the count before the run")
	fs.Float64Var(&c.MinRatio, "min-ratio", 0, "fail when async throughput / bare is below this (0: report only)")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the message mix")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.Chats < 1 || c.Messages < 1:
		return c, fmt.Errorf("-chats and -messages must be at least 1")
	case c.Chats > 5000 || c.Chats*c.Messages > 1_000_000:
		return c, fmt.Errorf("at most 5000 chats and 1 000 000 messages")
	case c.Modes != "sync" && c.Modes != "async" && c.Modes != "both":
		return c, fmt.Errorf("-mode %q: want sync, async or both", c.Modes)
	case c.Rounds < 1 || c.Rounds > 10_000:
		return c, fmt.Errorf("-rounds must be from 1 to 10000")
	}
	return c, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: -cpuprofile:", err)
			os.Exit(2)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	ok := run(ctx, cfg, os.Stdout)
	if !ok {
		stop()
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// init lets the fakes' webhook pushes, which use http.DefaultTransport,
// keep their connections to the bot, as a provider's pool would; with
// Go's default of 2 idle connections per host the load would measure
// connection setup and run out of ports.
func init() {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t.MaxIdleConns = 2048
		t.MaxIdleConnsPerHost = 1024
	}
}
