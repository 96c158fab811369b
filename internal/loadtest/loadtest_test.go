package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs a tiny load through every phase, both modes, with faults.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a load run")
	}
	cfg, err := parseFlags([]string{"-chats", "4", "-messages", "6", "-dups", "0.3", "-faults", "4", "-fault-every", "2",
		"-latency", "1ms", "-timeout", "60s", "-heap-growth", "32"}, new(strings.Builder))
	require.NoError(t, err)
	var out strings.Builder
	ok := run(context.Background(), cfg, &out)
	t.Log("\n" + out.String())
	require.True(t, ok, "the run passes")
	for _, want := range []string{"bare ", "sync   load", "sync   faults", "sync   shutdown", "async  load", "async  faults", "async  shutdown", "async/bare throughput", "PASS"} {
		assert.Contains(t, out.String(), want)
	}
}

// TestFaultsAreInjected checks that the fault phase really fails sends
// and the bot still answers each message once.
func TestFaultsAreInjected(t *testing.T) {
	cfg, err := parseFlags([]string{"-chats", "4", "-aitu", "0.5", "-messages", "8", "-faults", "8", "-fault-every", "1", "-mode", "async"}, new(strings.Builder))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := runLoad(ctx, cfg, "faults", true, cfg.Faults)
	require.NoError(t, p.Err)
	require.NotNil(t, p.Verdict)
	assert.True(t, p.Verdict.OK(), "%+v", p.Verdict)
	assert.Equal(t, [faultKinds]int{4, 4, 4, 4}, p.Faults, "8 faults on each provider, the kinds in turn")
	assert.Equal(t, 32, p.Verdict.Answered)
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, new(strings.Builder))
	require.NoError(t, err)
	assert.Equal(t, 20, cfg.Chats)
	assert.Equal(t, 20, cfg.Messages)
	for _, bad := range [][]string{{"-chats", "0"}, {"-mode", "fast"}, {"-rounds", "0"}, {"-nope"}} {
		_, err := parseFlags(bad, new(strings.Builder))
		assert.Error(t, err, "%v", bad)
	}
}
