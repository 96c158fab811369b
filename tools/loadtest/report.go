package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// ratio is a throughput over a baseline's, as a percentage, or "-".
func ratio(p Phase, base float64) string {
	if base <= 0 || p.Mode == "bare" || p.Mode == "floor" || p.Name == "shutdown" {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*p.Throughput/base)
}

// failure prints why p failed, named name.
func failure(out io.Writer, name string, p Phase) {
	fmt.Fprintf(out, "FAIL %s:", name)
	if p.Err != nil {
		fmt.Fprintf(out, " %v", p.Err)
	}
	if p.Proc != nil && p.Verdict != nil {
		if ok, why := p.Proc.doubledOK(p.Verdict.Doubled); !ok {
			fmt.Fprintf(out, " %s", why)
		}
	}
	if p.Verdict != nil && len(p.Verdict.Problems) > 0 {
		fmt.Fprintf(out, "\n  %s", strings.Join(p.Verdict.Problems, "\n  "))
	}
	fmt.Fprintln(out)
}

// report prints the table of the phases and their verdicts, and reports
// whether they all passed.
func report(out io.Writer, cfg Config, phases []Phase) bool {
	ok := true
	var bare, floor float64
	phases = slices.DeleteFunc(slices.Clone(phases), func(p Phase) bool { return p.Proc != nil })
	if len(phases) == 0 {
		return true
	}
	for _, p := range phases {
		switch p.Mode {
		case "bare":
			bare = p.Throughput
		case "floor":
			floor = p.Throughput
		}
	}
	fmt.Fprintf(out, "\n%-6s %-9s %6s %7s %5s %7s %9s %8s %8s %8s %8s %8s %8s %8s %-37s %s\n",
		"mode", "phase", "wall", "msgs", "dups", "posts", "msg/s", "vs bare", "vs floor", "ack p50", "ack p99", "done p50", "done p99", "peakRSS", "faults "+faultNames, "lost/doubled/stray/misrouted/disorder")
	for _, p := range phases {
		check := "-"
		if v := p.Verdict; v != nil {
			check = fmt.Sprintf("%d/%d/%d/%d/%d", v.Lost, v.Doubled, v.Stray, v.Misrouted, v.Disorder)
		}
		faults := "-"
		if p.Name == "faults" {
			f := p.Faults
			faults = fmt.Sprintf("%d/%d/%d/%d/%d", f[0], f[1], f[2], f[3], f[4])
		}
		rss := "-"
		if p.PeakRSS > 0 {
			rss = fmt.Sprintf("%.0fMB", float64(p.PeakRSS)/1024)
		}
		fmt.Fprintf(out, "%-6s %-9s %5.1fs %7d %5d %7d %9.0f %8s %8s %8s %8s %8s %8s %8s %-37s %s\n",
			p.Mode, p.Name, p.Wall.Seconds(), p.Msgs, p.Dups, p.Posts, p.Throughput, ratio(p, bare), ratio(p, floor),
			ms(p.Ack[0]), ms(p.Ack[1]), ms(p.Done[0]), ms(p.Done[1]), rss, faults, check)
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
			failure(out, p.Mode+" "+p.Name, p)
		}
		if p.Mode == "async" && p.Name == "load" && bare > 0 {
			r := p.Throughput / bare
			fmt.Fprintf(out, "async/bare throughput: %.2f (target ≥ 0.50)\n", r)
			if cfg.MinRatio > 0 && r < cfg.MinRatio {
				ok = false
				fmt.Fprintf(out, "FAIL: async throughput below %.2f of bare\n", cfg.MinRatio)
			}
			if floor > 0 {
				fmt.Fprintf(out, "async/floor throughput: %.2f (the floor: the bare server plus one send per webhook through the provider's HTTP API)\n", p.Throughput/floor)
			}
		}
	}
	return ok
}
