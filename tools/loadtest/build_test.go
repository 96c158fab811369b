package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// The process tests run the echobot as a real binary. It is built once
// per run of this package, the first time a test needs it, before that
// test's own clock starts, and with the test binary's race mode: its
// packages are then the ones this test binary was compiled from, already
// in the build cache, even a cache that was empty when `go test ./...`
// began. A build on a cold cache, on two cores busy compiling every other
// package's tests, can still take minutes; it gets buildLimit, and a build
// that fails or runs out of it fails the test as a build, not as a
// timeout of the phase.
var echobot struct {
	once     sync.Once
	dir, bin string
	err      error
}

// buildLimit bounds the echobot's build: a cold build of all its
// dependencies on two busy cores, with room to spare.
const buildLimit = 8 * time.Minute

// echobotBinary returns the echobot binary of this package run, building
// it the first time, or fails t.
func echobotBinary(t *testing.T) string {
	t.Helper()
	echobot.once.Do(func() {
		limit := buildLimit
		if d, ok := t.Deadline(); ok {
			// Fail as a build before go test's own -timeout panics.
			limit = min(limit, time.Until(d)-30*time.Second)
		}
		ctx, cancel := context.WithTimeoutCause(context.Background(), limit,
			fmt.Errorf("the build limit of %s ran out", limit.Round(time.Second)))
		defer cancel()
		echobot.dir, echobot.err = os.MkdirTemp("", "cardbot-loadtest-echobot-")
		if echobot.err == nil {
			echobot.bin, echobot.err = buildEchobot(ctx, echobot.dir, raceBuildFlags...)
		}
	})
	if echobot.err != nil {
		t.Fatalf("building the echobot for this test failed: %v", echobot.err)
	}
	return echobot.bin
}

// TestMain removes the echobot binary once every test ran.
func TestMain(m *testing.M) {
	code := m.Run()
	if echobot.dir != "" {
		_ = os.RemoveAll(echobot.dir)
	}
	os.Exit(code)
}
