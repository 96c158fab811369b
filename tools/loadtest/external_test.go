package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/examples/echobot/app"
	"github.com/cardbot/cardbot/internal/apitest"
)

// TestExternalBot runs the external mode end to end: the harness starts
// the fakes' fronts on free ports and prints the echobot's environment; the
// test starts the real echobot (examples/echobot/app.Run, in process) with
// exactly that environment on the port of -bot, and the harness loads it
// through every phase it runs against an external bot, faults included.
func TestExternalBot(t *testing.T) {
	if testing.Short() {
		t.Skip("a load run")
	}
	// In parallel with each other and with the process phases' tests: each
	// run has fakes and an echobot of its own, on ports of their own, and
	// checks no goroutine or heap of this process (only TestRun does, and
	// it is not parallel).
	t.Parallel()
	for _, delivery := range []string{"sync", "async"} {
		t.Run(delivery, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseFlags([]string{
				"-bot", "http://" + apitest.FreeAddr(t), "-mode", delivery,
				"-greenapi-addr", "127.0.0.1:0", "-max-addr", "127.0.0.1:0", "-aitu-addr", "127.0.0.1:0",
				"-chats", "6", "-messages", "5", "-aitu", "0.34", "-max", "0.33", "-dups", "0.2",
				"-faults", "5", "-fault-every", "2", "-wait", "30s", "-timeout", "90s",
			}, io.Discard)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()

			pr, pw := io.Pipe()
			passed := make(chan bool, 1)
			go func() {
				ok := run(ctx, cfg, pw)
				pw.Close()
				passed <- ok
			}()
			out, env := readOutput(pr)
			var e map[string]string
			select {
			case e = <-env:
			case <-time.After(10 * time.Second):
				t.Fatal("the harness printed no environment")
			}
			assert.Len(t, e, 17, "ADDR, METRICS_ADDR, DELIVERY, RETRY_WAIT, MAX_ATTEMPTS and the twelve settings of the three messengers")
			assert.Equal(t, delivery, e["DELIVERY"])
			startEchobot(t, e)

			var ok bool
			select {
			case ok = <-passed:
			case <-time.After(2 * time.Minute):
				cancel()
				t.Fatal("the run did not end")
			}
			report := <-out
			t.Log("\n" + report)
			require.True(t, ok, "the run passes")
			assert.Regexp(t, `(?m)^`+delivery+` +faults .* 3/3/3/3/3 +0/0/0/0/0$`, report, "every kind of fault, on each of the three providers")
			for _, want := range []string{"bot external at " + cfg.Bot, "bare bare ", "floor bare+send", delivery + " load", delivery + " faults",
				"external bot: skipped the shutdown phase", "PASS"} {
				assert.Contains(t, strings.Join(strings.Fields(report), " "), want)
			}
			assert.NotRegexp(t, `(?m)^(sync|async) +shutdown`, report, "no shutdown phase against an external bot")
			assert.NotContains(t, report, "goroutines:", "nor goroutine and heap checks")
		})
	}
}

// A bot that never answers /healthz fails the run before any phase.
func TestExternalBotNotThere(t *testing.T) {
	cfg, err := parseFlags([]string{"-bot", "http://" + apitest.FreeAddr(t), "-wait", "300ms",
		"-greenapi-addr", "127.0.0.1:0", "-max-addr", "127.0.0.1:0", "-aitu-addr", "127.0.0.1:0"}, io.Discard)
	require.NoError(t, err)
	var out strings.Builder
	require.False(t, run(context.Background(), cfg, &out))
	assert.Contains(t, out.String(), "was not healthy within 300ms")
	assert.NotContains(t, out.String(), "PASS")
}

// envLine is a line of the environment the harness prints.
var envLine = regexp.MustCompile(`^  ([A-Z_]+)=(\S*)$`)

// readOutput reads the harness's output: the environment once it is
// printed (the line "for example" ends it), and all of it at the end.
func readOutput(r io.Reader) (all <-chan string, env <-chan map[string]string) {
	allC, envC := make(chan string, 1), make(chan map[string]string, 1)
	go func() {
		var b strings.Builder
		e := map[string]string{}
		sent := false
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			b.WriteString(line + "\n")
			if m := envLine.FindStringSubmatch(line); m != nil && !sent {
				e[m[1]] = m[2]
			}
			if strings.HasPrefix(line, "for example") && !sent {
				envC <- e
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, r)
		allC <- b.String()
	}()
	return allC, envC
}

// startEchobot runs the echobot in process with env until the test ends.
func startEchobot(t *testing.T, env map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	listening := make(chan net.Addr, 1)
	go func() {
		done <- app.Run(ctx, func(k string) string { return env[k] }, slog.New(slog.DiscardHandler), func(a net.Addr) { listening <- a })
	}()
	select {
	case a := <-listening:
		assert.Equal(t, env["ADDR"], a.String())
	case err := <-done:
		cancel()
		t.Fatalf("the echobot did not start: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("the echobot did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Error("the echobot did not stop")
		}
	})
}
