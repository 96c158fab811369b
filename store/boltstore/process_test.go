//go:build unix

package boltstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file run a second process: the test binary again, in
// TestChildProcess, told what to do by environment variables.
const (
	envChild = "BOLTSTORE_TEST_CHILD" // hold or push
	envPath  = "BOLTSTORE_TEST_PATH"
)

// child starts the test binary as a child process doing what, on path, and
// returns it and its standard output, by lines.
func child(t *testing.T, what, path string) (*exec.Cmd, io.WriteCloser, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	// Under -race, a process sleeps a second as it exits, for reports of
	// races found at the end: the child need not.
	cmd.Env = append(os.Environ(), envChild+"="+what, envPath+"="+path, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, stdin, bufio.NewScanner(stdout)
}

// TestChildProcess is the child process of the tests of this file; run
// by go test, it does nothing.
func TestChildProcess(t *testing.T) {
	path := os.Getenv(envPath)
	switch os.Getenv(envChild) {
	case "":
		return
	case "hold":
		// Hold the file open until the parent closes our standard input.
		db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
		require.NoError(t, err)
		fmt.Println("ready")
		_, _ = io.Copy(io.Discard, os.Stdin)
		require.NoError(t, db.Close())
	case "push":
		pushUntilKilled(t, path)
	default:
		t.Fatalf("unknown child %q", os.Getenv(envChild))
	}
}

// pushUntilKilled pushes entries in a loop, and consumes them, acking every
// third; it prints each entry's number once its Push (or Ack) returned.
func pushUntilKilled(t *testing.T, path string) {
	db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
	require.NoError(t, err)
	q := db.Queue()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		_, err := fmt.Fprintf(os.Stdout, format, args...)
		require.NoError(t, err)
	}
	go func() {
		_ = q.Consume(context.Background(), func(d store.Delivery) {
			i, _ := strconv.Atoi(string(d.Update))
			if i%3 == 0 {
				if err := q.Ack(context.Background(), d); err == nil {
					say("acked %d\n", i)
				}
			}
		})
	}()
	for i := 0; ; i++ {
		ok, err := q.Push(context.Background(), entry(strconv.Itoa(i%4), "key-"+strconv.Itoa(i), strconv.Itoa(i)))
		require.NoError(t, err)
		require.True(t, ok)
		say("pushed %d\n", i)
	}
}

func TestLockedByAnotherProcess(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	_, stdin, out := child(t, "hold", path)
	require.True(t, out.Scan(), "the child says nothing")
	require.Equal(t, "ready", out.Text())

	start := time.Now()
	db, err := boltstore.Open(path, boltstore.Options{OpenTimeout: 200 * time.Millisecond, Logger: quiet})
	waited := time.Since(start)
	require.ErrorIs(t, err, boltstore.ErrLocked)
	assert.Nil(t, db)
	assert.ErrorContains(t, err, path)
	assert.GreaterOrEqual(t, waited, 100*time.Millisecond, "bbolt tries the lock every 50 ms")
	assert.Less(t, waited, 2*time.Second, "Open gave up in time")
	t.Log(err)

	// Once the other process closed the file, it opens.
	require.NoError(t, stdin.Close())
	for out.Scan() { // to the child's end
	}
	open(t, path, boltstore.Options{})
}

// TestKill9 kills a process that pushes and acknowledges entries as fast
// as it can with SIGKILL, and checks the file: every entry whose Push
// returned is there, unless its Ack returned; none lost.
func TestKill9(t *testing.T) {
	t.Parallel()
	for round := range 3 {
		t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
			t.Parallel()
			kill9(t, 200+300*round)
		})
	}
}

func kill9(t *testing.T, after int) {
	path := tempPath(t)
	cmd, _, out := child(t, "push", path)
	pushed := make(map[int]bool)
	acked := make(map[int]bool)
	killed := false
	for out.Scan() {
		line := out.Text()
		verb, n, ok := strings.Cut(line, " ")
		i, err := strconv.Atoi(n)
		if !ok || err != nil {
			continue // go test's own output
		}
		switch verb {
		case "pushed":
			pushed[i] = true
		case "acked":
			acked[i] = true
		}
		if len(pushed) == after && !killed {
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			killed = true // and read what it wrote before it died
		}
	}
	require.True(t, killed, "the child ended before %d pushes", after)
	err := cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	ws, _ := exit.Sys().(syscall.WaitStatus)
	require.Equal(t, syscall.SIGKILL, ws.Signal(), "%v", err)

	db := open(t, path, boltstore.Options{})
	list, err := boltstore.Stored(db)
	require.NoError(t, err)
	stored := make(map[int]bool)
	last := -1
	for _, e := range list {
		i, err := strconv.Atoi(string(e.Update))
		require.NoError(t, err)
		assert.Greater(t, i, last, "push order")
		last = i
		stored[i] = true
	}
	// The child acks every third entry, one at a time: an Ack that
	// committed before the kill and did not print may leave one of those
	// missing.
	var lost, ackInFlight []int
	for i := range pushed {
		switch {
		case acked[i] || stored[i]:
		case i%3 == 0 && len(ackInFlight) == 0:
			ackInFlight = append(ackInFlight, i)
		default:
			lost = append(lost, i)
		}
	}
	for i := range acked {
		assert.False(t, stored[i], "entry %d acknowledged and stored", i)
	}
	for i := range stored {
		// The one Push that committed and did not print is the next one.
		assert.True(t, pushed[i] || i == len(pushed), "entry %d stored, never reported pushed", i)
	}
	assert.Empty(t, lost, "entries lost")
	t.Logf("killed after %d pushes reported (%d acks): %d stored, %d lost, acked and not reported: %v",
		len(pushed), len(acked), len(list), len(lost), ackInFlight)

	// They are delivered, in order, with their dedup marks.
	ok, err := db.Queue().Push(t.Context(), entry("0", "key-0", "0 again"))
	require.NoError(t, err)
	assert.False(t, ok)
}
