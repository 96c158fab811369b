package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
)

// procHarness is a harness with the flags args (the process phases' own
// small sizes first) and the package run's echobot binary, whose
// workspace is removed when t ends, or kept and named when t failed.
func procHarness(t *testing.T, args ...string) *harness {
	t.Helper()
	base := []string{"-procs-only", "-proc-chats", "24", "-proc-messages", "6", "-lease", "500ms", "-down", "500ms", "-lb-lag", "100ms"}
	cfg, err := parseFlags(append(base, args...), new(strings.Builder))
	require.NoError(t, err)
	h := &harness{cfg: cfg, ws: &workspace{prebuilt: echobotBinary(t)}}
	t.Cleanup(func() {
		if msg := h.ws.remove(t.Failed()); msg != "" {
			t.Log(msg)
		}
	})
	return h
}

// useTestRedis points the harness at the module's test server (redistest:
// CARDBOT_TEST_REDIS, 127.0.0.1:6379 or a throwaway one), or skips t.
func useTestRedis(t *testing.T) {
	t.Helper()
	t.Setenv(envRedis, redistest.URL(t))
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestCrash kills an echobot process mid-load, on a file (one process)
// and on Redis (three behind the balancer), and restarts it: nothing
// acknowledged is lost, every chat keeps its order, and no more answers
// are doubled than the killed process had under way.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs echobot processes")
	}
	for _, kind := range []string{storeFile, storeRedis} {
		t.Run(kind, func(t *testing.T) {
			if kind == storeRedis {
				useTestRedis(t)
			}
			h := procHarness(t, "-crash", kind)
			p := h.runCrash(ctxFor(t, time.Minute), kind)
			var out strings.Builder
			ok := reportProcs(&out, []Phase{p})
			t.Log("\n" + out.String())
			require.NoError(t, p.Err)
			require.True(t, ok, "the phase passes")
			require.NotNil(t, p.Verdict)
			assert.Zero(t, p.Verdict.Lost, "nothing acknowledged is lost")
			assert.Zero(t, p.Verdict.Disorder)
			assert.Equal(t, 144, p.Verdict.Expected, "every message acknowledged in the end")
			assert.LessOrEqual(t, p.Verdict.Doubled, p.Proc.InFlight())
			assert.GreaterOrEqual(t, p.Proc.AckedAtKill, int64(57), "killed once 40% was acknowledged")
			assert.Contains(t, out.String(), "SIGKILL of crash-"+kind+"-1")
			if kind == storeRedis {
				// Only this phase's keys: other runs of the harness may share
				// the server (CI's, a developer's go test in another tree).
				m := regexp.MustCompile(`prefix (cardbot-loadtest-[0-9a-f]+)`).FindStringSubmatch(out.String())
				require.Len(t, m, 2, "the report names the phase's key prefix")
				var keys []string
				it := redistest.Client(t).Scan(t.Context(), 0, "*"+m[1]+"*", 1000).Iterator()
				for it.Next(t.Context()) {
					keys = append(keys, it.Val())
				}
				require.NoError(t, it.Err())
				assert.Empty(t, keys, "the phase deleted its keys")
			}
		})
	}
}

// TestCrashLosesInMemory shows that the crash phase's check can fail: the
// in-memory queue dies with its process, and what it acknowledged is
// lost.
func TestCrashLosesInMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs echobot processes")
	}
	t.Parallel() // its processes, store and fakes are its own; it sets no environment
	h := procHarness(t, "-crash", storeMemory)
	p := h.runCrash(ctxFor(t, time.Minute), storeMemory)
	require.NoError(t, p.Err)
	require.NotNil(t, p.Verdict)
	assert.Positive(t, p.Verdict.Lost, "acknowledged, queued in memory, killed")
	assert.True(t, p.Failed())
	var out strings.Builder
	assert.False(t, reportProcs(&out, []Phase{p}))
	assert.Contains(t, out.String(), "FAIL crash memory:")
}

// TestThroughput runs the throughput phase small: with slow sends, async
// delivery on every store goes past what sync delivery can reach at all,
// and nothing is lost or doubled.
//
// The bound is structural, not a timing: in sync mode an account waits for
// each handling, and each handling makes one send the fakes answer after
// the send delay, so the accounts deliver at most accounts/delay messages
// a second however fast the machine. Async delivery answers once the
// update is stored and is not held to that; a loaded machine, or a bot
// built with -race, still leaves it well above the bound.
func TestThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs echobot processes")
	}
	useTestRedis(t)
	h := procHarness(t, "-throughput", "sync,memory,file,redis", "-proc-chats", "40", "-proc-messages", "2", "-slow-send", "200ms")
	ctx := ctxFor(t, time.Minute)
	var phases []Phase
	for _, mode := range h.cfg.Procs.Throughput {
		p := h.runThroughput(ctx, mode)
		require.NoError(t, p.Err, mode)
		require.NotNil(t, p.Verdict)
		assert.True(t, p.Verdict.OK(), "%s: %+v", mode, p.Verdict)
		phases = append(phases, p)
	}
	var out strings.Builder
	require.True(t, reportProcs(&out, phases))
	t.Log("\n" + out.String())
	accounts := phases[0].Proc.Accounts
	require.Positive(t, accounts)
	bound := float64(accounts) / h.cfg.Procs.SendDelay.Seconds()
	assert.LessOrEqual(t, throughputOf(phases, tputSync), bound, "sync: at most one handling per account at a time")
	for _, mode := range []string{storeMemory, storeFile, storeRedis} {
		assert.Greater(t, throughputOf(phases, mode), bound, "%s async against the bound of sync delivery", mode)
	}
	assert.Contains(t, out.String(), "Redis async / in-memory async:")
}
