// Command loadtest is cardbot's load and fault harness: it runs the
// echobot's bot in process behind webhook.Server on loopback, or connects
// to a running echobot (-bot), plays GREEN-API (WhatsApp and MAX) and Aitu
// with their fake servers, pushes N chats × M messages of texts, shared
// contacts and .vcf uploads with duplicates, redelivery, handler latency
// and provider faults, and checks that every message is answered exactly
// once, in order, that a graceful shutdown under load loses nothing
// acknowledged, and that no goroutine or heap is left behind (the last two
// in process only). In the same run it measures the same load against a
// bare echo server that only decodes the JSON and answers 200, and against
// the floor: that server sending one text per webhook through the
// provider's HTTP API. It exits 1 when a check fails. See BENCHMARKS.md.
//
// It is a module of its own, tools/, beside the library's (its go.mod
// points at the library with a replace), so that the library's module
// holds only what a user imports. In the repository's root:
//
//	go -C tools run ./loadtest -chats 200 -messages 50
//	go -C tools run ./loadtest -bot http://127.0.0.1:8080 -mode async   # prints the echobot's environment
//	go -C tools run ./loadtest -procs-only -crash file,redis -throughput sync,memory,file,redis
//
// The crash and throughput phases (-crash, -throughput) run the echobot
// as real processes (built from examples/echobot into a temporary
// directory) behind a round-robin balancer, with provider accounts that
// deliver one webhook at a time and pause after a failure, as GREEN-API
// does, and Aitu batches. The crash phase SIGKILLs a process mid-load and
// starts it again on the same store (a file, or Redis shared by
// -instances processes), and checks that nothing acknowledged is lost,
// that each chat's order holds, and that only the updates under way in the
// killed process are answered twice. The throughput phase measures
// answered messages per second with slow sends (-slow-send) for sync and
// for async on memory, a file and Redis. Redis is CARDBOT_TEST_REDIS, else
// 127.0.0.1:6379, with a key prefix of the run's own, deleted at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"
)

// Config is the harness's flags.
type Config struct {
	Chats, Messages int
	Modes           string // sync, async or both
	DupShare        float64
	AituShare       float64
	MAXShare        float64
	HandlerLatency  time.Duration
	Faults          FaultPlan
	QueueSize       int
	Concurrency     int
	RetryWait       time.Duration // async: the bot's wait before a retry
	Rounds          int           // redelivery rounds of the provider
	Pause           time.Duration // between rounds
	Timeout         time.Duration // of the whole run
	Drain           time.Duration // of each graceful shutdown
	HeapGrowth      int64         // MiB
	GoroutineSlack  int
	MinRatio        float64 // async throughput / bare, 0: not checked
	Seed            uint64
	CPUProfile      string // file for a CPU profile of the whole run

	// The external mode: the bot's base URL ("" runs it in process), the
	// fixed addresses of the fakes it is configured with, and how long to
	// wait for its /healthz.
	Bot                             string
	WhatsAppAddr, MAXAddr, AituAddr string
	Wait                            time.Duration

	// The phases of echobot processes: crash and throughput.
	Procs ProcConfig
}

func parseFlags(args []string, out io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&c.Chats, "chats", 20, "chats pushing at once (N)")
	fs.IntVar(&c.Messages, "messages", 20, "messages per chat (M)")
	fs.StringVar(&c.Modes, "mode", "both", "delivery mode of the bot: sync, async or both; with -bot the DELIVERY it runs with, sync or async (default async)")
	fs.Float64Var(&c.DupShare, "dups", 0.1, "share of messages delivered twice")
	fs.Float64Var(&c.AituShare, "aitu", 0.25, "share of chats on Aitu")
	fs.Float64Var(&c.MAXShare, "max", 0.15, "share of chats on GREEN-API's MAX (the rest of -aitu and -max on GREEN-API WhatsApp)")
	fs.DurationVar(&c.HandlerLatency, "latency", 0, "extra time each handling takes")
	fs.IntVar(&c.Faults.Budget, "faults", 40, "provider faults injected in the fault phase, per provider (0: no fault phase)")
	fs.IntVar(&c.Faults.Every, "fault-every", 7, "one send in this many gets a fault")
	fs.DurationVar(&c.Faults.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.DurationVar(&c.Faults.Slow, "slow", 200*time.Millisecond, "delay of a slow answer")
	fs.IntVar(&c.Faults.Stubborn, "stubborn", 6, "how many times in a row a redeliver fault fails its send: more than the provider client's attempts in one handling (in process 5, with RetrySends; the echobot's 1, as it attempts a send at most once, and its MAX_ATTEMPTS is set above this), so only a later delivery answers")
	fs.DurationVar(&c.RetryWait, "retry-wait", 50*time.Millisecond, "the bot's wait before it retries a failed handling in async mode (delivery.Config.MinRetryWait; the echobot's RETRY_WAIT)")
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
	fs.StringVar(&c.Bot, "bot", "", "base URL of a running echobot to load (e.g. http://127.0.0.1:8080) instead of one in process; the harness prints the environment to start it with")
	fs.StringVar(&c.WhatsAppAddr, "greenapi-addr", "127.0.0.1:7001", "with -bot: loopback address of the fake GREEN-API WhatsApp")
	fs.StringVar(&c.MAXAddr, "max-addr", "127.0.0.1:7002", "with -bot: loopback address of the fake GREEN-API MAX")
	fs.StringVar(&c.AituAddr, "aitu-addr", "127.0.0.1:7003", "with -bot: loopback address of the fake Aitu")
	fs.DurationVar(&c.Wait, "wait", 2*time.Minute, "with -bot: how long to wait for the bot's GET /healthz")
	crash, tput := procFlags(fs, &c.Procs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := checkProcs(&c, *crash, *tput); err != nil {
		return c, err
	}
	modeSet := false
	fs.Visit(func(f *flag.Flag) { modeSet = modeSet || f.Name == "mode" })
	if c.Bot != "" && !modeSet {
		c.Modes = "async"
	}
	if err := checkBot(&c); err != nil {
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
	case c.Faults.Stubborn < 1 || c.RetryWait <= 0:
		return c, fmt.Errorf("-stubborn must be at least 1 and -retry-wait positive")
	case c.AituShare < 0 || c.MAXShare < 0 || c.AituShare+c.MAXShare > 1:
		return c, fmt.Errorf("-aitu and -max must be shares from 0 to 1 that add up to 1 at most")
	}
	return c, nil
}

// checkBot checks -bot and -mode of the external mode, and trims -bot to
// the base URL.
func checkBot(c *Config) error {
	if c.Bot == "" {
		return nil
	}
	u, err := url.Parse(c.Bot)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.Port() == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		return fmt.Errorf("-bot %q: want the bot's base URL with a port, such as http://127.0.0.1:8080", c.Bot)
	}
	c.Bot = "http://" + u.Host
	if c.Modes != "sync" && c.Modes != "async" {
		return fmt.Errorf("-mode %q: with -bot, the DELIVERY the bot runs with: sync or async", c.Modes)
	}
	return nil
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
