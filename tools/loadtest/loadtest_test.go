package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs a tiny load through every phase, both modes, with faults,
// a chat on each of WhatsApp and MAX and two on Aitu.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a load run")
	}
	cfg, err := parseFlags([]string{"-chats", "4", "-messages", "6", "-dups", "0.3", "-max", "0.25", "-faults", "4", "-fault-every", "2",
		"-latency", "1ms", "-timeout", "60s", "-heap-growth", "32"}, new(strings.Builder))
	require.NoError(t, err)
	var out strings.Builder
	ok := run(context.Background(), cfg, &out)
	t.Log("\n" + out.String())
	require.True(t, ok, "the run passes")
	for _, want := range []string{"bare   bare ", "floor  bare+send", "sync   load", "sync   faults", "sync   shutdown", "async  load", "async  faults", "async  shutdown",
		"async/bare throughput", "async/floor throughput", "PASS"} {
		assert.Contains(t, out.String(), want)
	}
}

// TestFaultsAreInjected checks that the fault phase really fails sends on
// every provider (two chats each on WhatsApp, MAX and Aitu) and the bot
// still answers each message once, in both modes: the redeliver faults
// are answered by the provider's redelivery (sync) or the bot's retry
// (async).
func TestFaultsAreInjected(t *testing.T) {
	for _, mode := range []string{"sync", "async"} {
		t.Run(mode, func(t *testing.T) {
			cfg, err := parseFlags([]string{"-chats", "6", "-aitu", "0.34", "-max", "0.33", "-messages", "8", "-faults", "10", "-fault-every", "1", "-mode", mode}, new(strings.Builder))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			p := (&harness{cfg: cfg}).runLoad(ctx, "faults", mode == "async", cfg.Faults)
			require.NoError(t, p.Err)
			require.NotNil(t, p.Verdict)
			assert.True(t, p.Verdict.OK(), "%+v", p.Verdict)
			assert.Equal(t, [faultKinds]int{6, 6, 6, 6, 6}, p.Faults, "10 faults on each of the 3 providers, the kinds in turn")
			assert.Equal(t, 48, p.Verdict.Answered)
		})
	}
}

// TestFloor checks the floor phase: every webhook answered after one send
// to the fake of its chat, on each messenger.
func TestFloor(t *testing.T) {
	cfg, err := parseFlags([]string{"-chats", "6", "-messages", "5", "-aitu", "0.34", "-max", "0.33", "-dups", "0.2"}, new(strings.Builder))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := (&harness{cfg: cfg}).runFloor(ctx)
	require.NoError(t, p.Err)
	assert.Equal(t, 30, p.Msgs)
	assert.Positive(t, p.Throughput)
	require.Len(t, p.Notes, 1)
	assert.Contains(t, p.Notes[0], fmt.Sprintf("%d webhooks answered 200, each after its send; the fakes took %d sends", p.Posts, p.Posts))
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, new(strings.Builder))
	require.NoError(t, err)
	assert.Equal(t, 20, cfg.Chats)
	assert.Equal(t, 20, cfg.Messages)
	assert.InDelta(t, 0.25, cfg.AituShare, 1e-9)
	assert.InDelta(t, 0.15, cfg.MAXShare, 1e-9)
	assert.Equal(t, "both", cfg.Modes)
	assert.Empty(t, cfg.Bot)
	for _, bad := range [][]string{
		{"-chats", "0"}, {"-mode", "fast"}, {"-rounds", "0"}, {"-nope"},
		{"-aitu", "0.7", "-max", "0.4"}, {"-max", "-0.1"},
		{"-bot", "127.0.0.1:8080"}, {"-bot", "http://127.0.0.1"}, {"-bot", "http://127.0.0.1:8080/webhook"},
		{"-bot", "http://127.0.0.1:8080", "-mode", "both"},
	} {
		_, err := parseFlags(bad, new(strings.Builder))
		assert.Error(t, err, "%v", bad)
	}
}

func TestParseFlagsExternal(t *testing.T) {
	tests := []struct {
		args     []string
		bot      string
		wantMode string
	}{
		{args: []string{"-bot", "http://127.0.0.1:8080"}, bot: "http://127.0.0.1:8080", wantMode: "async"},
		{args: []string{"-bot", "http://localhost:9000/", "-mode", "sync"}, bot: "http://localhost:9000", wantMode: "sync"},
	}
	for _, tt := range tests {
		cfg, err := parseFlags(tt.args, new(strings.Builder))
		require.NoError(t, err, "%v", tt.args)
		assert.Equal(t, tt.bot, cfg.Bot)
		assert.Equal(t, tt.wantMode, cfg.Modes, "with -bot the mode is the bot's DELIVERY, async unless told")
		assert.Equal(t, "127.0.0.1:7001", cfg.WhatsAppAddr)
	}
}
