package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"
)

// procFlags defines the flags of the phases of echobot processes; the
// lists (-crash, -throughput) are returned to be checked after parsing.
func procFlags(fs *flag.FlagSet, pc *ProcConfig) (crash, tput *string) {
	crash = fs.String("crash", "", "stores of the crash phase, comma-separated: file, redis, or memory (which loses what it acknowledged: the phase fails)")
	tput = fs.String("throughput", "", "modes of the throughput phase with slow sends, comma-separated: sync, memory, file, redis (async on each store)")
	fs.BoolVar(&pc.Only, "procs-only", false, "run only the phases of echobot processes (-crash, -throughput)")
	fs.IntVar(&pc.Chats, "proc-chats", 200, "chats of the crash and throughput phases")
	fs.IntVar(&pc.Messages, "proc-messages", 5, "messages per chat of the crash and throughput phases")
	fs.IntVar(&pc.Accounts.WhatsApp, "wa-accounts", 2, "GREEN-API WhatsApp accounts delivering serially, each to chats of its own")
	fs.IntVar(&pc.Accounts.MAX, "max-accounts", 1, "GREEN-API MAX accounts delivering serially")
	fs.IntVar(&pc.Accounts.Aitu, "aitu-accounts", 1, "Aitu accounts delivering serially")
	fs.IntVar(&pc.Accounts.AituBatch, "aitu-batch", 5, "updates per Aitu webhook")
	fs.IntVar(&pc.Instances, "instances", 3, "echobot processes sharing Redis in the crash phase")
	fs.DurationVar(&pc.SendDelay, "slow-send", 150*time.Millisecond, "how long the fakes take to answer each send (each API call with a body) in the crash and throughput phases")
	fs.DurationVar(&pc.Pause, "serial-pause", 200*time.Millisecond, "an account's pause after a delivery not answered 200 (GREEN-API: a minute)")
	fs.DurationVar(&pc.LBLag, "lb-lag", 200*time.Millisecond, "how long after the kill the balancer stops sending to the killed process")
	fs.DurationVar(&pc.Down, "down", time.Second, "how long the killed process stays dead")
	fs.Float64Var(&pc.KillAt, "kill-at", 0.4, "share of the load acknowledged when a process is killed (once answers come)")
	fs.DurationVar(&pc.Lease, "lease", 2*time.Second, "the Redis partition lease of the processes (STORE_LEASE)")
	return crash, tput
}

// checkProcs reads the lists and checks the flags of the process phases.
func checkProcs(c *Config, crash, tput string) error {
	pc := &c.Procs
	var err error
	if pc.Crash, err = list("-crash", crash, storeMemory, storeFile, storeRedis); err != nil {
		return err
	}
	if pc.Throughput, err = list("-throughput", tput, tputSync, storeMemory, storeFile, storeRedis); err != nil {
		return err
	}
	procs := len(pc.Crash)+len(pc.Throughput) > 0
	a := pc.Accounts
	switch {
	case procs && c.Bot != "":
		return fmt.Errorf("-crash and -throughput run their own echobot processes: not with -bot")
	case pc.Only && !procs:
		return fmt.Errorf("-procs-only wants -crash or -throughput")
	case pc.Chats < 1 || pc.Messages < 1 || pc.Chats*pc.Messages > 100_000:
		return fmt.Errorf("-proc-chats and -proc-messages must be at least 1, with 100 000 messages at most")
	case a.WhatsApp < 0 || a.MAX < 0 || a.Aitu < 0 || a.WhatsApp+a.MAX+a.Aitu == 0 || a.AituBatch < 1:
		return fmt.Errorf("-wa-accounts, -max-accounts, -aitu-accounts: at least one account; -aitu-batch at least 1")
	case pc.Instances < 1 || pc.Instances > 16:
		return fmt.Errorf("-instances must be from 1 to 16")
	case pc.KillAt <= 0 || pc.KillAt >= 1:
		return fmt.Errorf("-kill-at must be a share between 0 and 1")
	case pc.Down < pc.LBLag || pc.LBLag < 0:
		return fmt.Errorf("-down must be at least -lb-lag")
	case pc.Lease < 100*time.Millisecond:
		return fmt.Errorf("-lease must be at least 100ms")
	case pc.SendDelay < 0 || pc.Pause < 0:
		return fmt.Errorf("-slow-send and -serial-pause may not be negative")
	}
	return nil
}

// list splits a comma-separated flag value and checks each item is one of
// allowed, once.
func list(name, v string, allowed ...string) ([]string, error) {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !slices.Contains(allowed, item) || slices.Contains(out, item) {
			return nil, fmt.Errorf("%s %q: want some of %s, each once", name, v, strings.Join(allowed, ", "))
		}
		out = append(out, item)
	}
	return out, nil
}
