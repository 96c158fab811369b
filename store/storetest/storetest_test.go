package storetest_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/storetest"
)

// refSuite runs a suite on a reference store, with bug switched on. The
// configuration names the store: a Queue that keeps nothing across
// values ("memory"), one that keeps all across restarts and crashes
// ("durable"), one shared by several consumers ("shared"), a DedupStore
// ("dedup") or a Locker ("locker"). ttl is the lease of the queue's
// partitions.
func refSuite(t *testing.T, config, bug string, ttl time.Duration) {
	switch config {
	case "dedup":
		storetest.TestDedupStore(t, func(_ *testing.T, lease time.Duration) store.DedupStore {
			return newRefDedup(bug, lease)
		})
		return
	case "locker":
		storetest.TestLocker(t, func(*testing.T) store.Locker { return newRefLocker(bug) })
		return
	case "state":
		storetest.TestStateStore(t, func(*testing.T) store.StateStore { return newRefState(bug) },
			storetest.StateOptions{Reopen: func(_ *testing.T, s store.StateStore) store.StateStore {
				return s.(*refState).reopen()
			}})
		return
	}
	// The reference queue renews its leases every ttl/4, and only a
	// crashed consumer's lapse (see refStorage.lease): a stalled renewal
	// on a loaded machine neither redelivers nor balances by accident.
	shared := config == "shared"
	opts := storetest.QueueOptions{Shared: shared}
	if config != "memory" {
		opts.Reopen = func(_ *testing.T, q store.Queue) store.Queue { return &refQueue{s: q.(*refQueue).s} }
		opts.Crash = func(_ *testing.T, q store.Queue) { q.(*refQueue).crash() }
	}
	if shared {
		opts.LeaseTTL = ttl
	}
	storetest.TestQueue(t, func(*testing.T) store.Queue {
		return &refQueue{s: newRefStorage(bug, shared, ttl)}
	}, opts)
}

// TestReference runs the suite on the reference queue: every subtest
// passes on a correct queue of each configuration.
func TestReference(t *testing.T) {
	t.Parallel()
	for _, config := range []string{"memory", "durable", "shared", "dedup", "locker", "state"} {
		t.Run(config, func(t *testing.T) {
			t.Parallel()
			refSuite(t, config, "", time.Second)
		})
	}
}

// TestMemory runs the suites on the stores of package cardbot.
func TestMemory(t *testing.T) {
	t.Parallel()
	t.Run("Queue", func(t *testing.T) {
		t.Parallel()
		storetest.TestQueue(t, func(*testing.T) store.Queue {
			return store.NewMemoryQueue(4096, time.Second)
		}, storetest.QueueOptions{})
	})
	t.Run("DedupStore", func(t *testing.T) {
		t.Parallel()
		storetest.TestDedupStore(t, func(_ *testing.T, lease time.Duration) store.DedupStore {
			return store.NewMemoryDedupStore(store.MemoryDedupConfig{InFlightLease: lease})
		})
	})
	t.Run("Locker", func(t *testing.T) {
		t.Parallel()
		storetest.TestLocker(t, func(*testing.T) store.Locker { return store.NewMemoryLocker() })
	})
	t.Run("StateStore", func(t *testing.T) {
		t.Parallel()
		storetest.TestStateStore(t, func(*testing.T) store.StateStore {
			return store.NewMemoryStateStore()
		}, storetest.StateOptions{})
	})
	t.Run("SendLedger", func(t *testing.T) {
		t.Parallel()
		storetest.TestSendLedger(t, func(*testing.T) store.SendLedger {
			return store.NewMemorySendLedger(0)
		}, storetest.LedgerOptions{})
	})
}

// bugs are the bugs of the reference queue, each with the configuration
// it shows in and the subtest that must catch it.
var bugs = []struct{ bug, config, subtest string }{
	{"no-dedup", "memory", "Dedup"},
	{"dedup-ignores-provider", "memory", "Dedup"},
	{"empty-keys-dedup", "memory", "Dedup"},
	{"pushed-not-kept", "memory", "PushAndDeliver"},
	{"ack-redelivers", "memory", "AckIsFinal"},
	{"release-to-the-end", "memory", "Release"},
	{"release-new-id", "memory", "Release"},
	{"deliver-concurrently", "memory", "PerChatOrder"},
	{"lossy", "memory", "BackPressure"},
	{"dead-letter-lost", "memory", "DeadLetters"},
	{"dead-letters-newest-first", "memory", "DeadLetters"},
	{"limit-zero-is-all", "memory", "DeadLetters"},
	{"replay-unknown-error", "memory", "DeadLetters"},
	{"replay-keeps-dead-letter", "memory", "DeadLetters"},
	{"replay-to-the-front", "memory", "DeadLetters"},
	{"no-wait-at-end", "memory", "Shutdown"},
	{"crash-forgets", "durable", "CrashRedelivers"},
	{"no-balance", "shared", "SharedConsumers"},
	{"owned-not-cancelled", "shared", "SharedTakeover"},
	{"takeover-out-of-order", "shared", "SharedTakeover"},
	{"dedup-no-lease", "dedup", "InFlightLeaseExpires"},
	{"dedup-lease-ends-done", "dedup", "InFlightLeaseExpires"},
	{"dedup-racy-begin", "dedup", "ConcurrentBegins"},
	{"dedup-failure-remembered", "dedup", "FailureIsForgotten"},
	{"dedup-prefix-keys", "dedup", "KeysAreDistinct"},
	{"locker-release-by-anyone", "locker", "Release"},
	{"locker-no-expiry", "locker", "Expiry"},
	{"locker-renew-keeps-expiry", "locker", "RenewalExtends"},
	{"locker-racy", "locker", "ConcurrentAcquirers"},
	{"locker-no-renew", "locker", "AcquireAndRenew"},
	{"state-no-cas", "state", "CompareAndSet"},
	{"state-racy-cas", "state", "ConcurrentSaves"},
	{"state-version-zero", "state", "SaveAndLoad"},
	{"state-reuse-version", "state", "Delete"},
	{"state-empty-update-deleted", "state", "Delete"},
	{"state-no-ttl", "state", "TimeToLive"},
	{"state-ttl-not-renewed", "state", "TimeToLive"},
	{"state-prefix-keys", "state", "KeysAreDistinct"},
	{"state-lost-on-reopen", "state", "Reopen"},
}

// TestBuggy runs the suite on a reference queue with the bug that the
// environment names; TestSuiteCatchesBugs runs it in a process of its own.
func TestBuggy(t *testing.T) {
	bug := os.Getenv("STORETEST_BUG")
	if bug == "" {
		t.Skip("run by TestSuiteCatchesBugs")
	}
	storetest.SetBaseBound(time.Second) // the reference queue is quick
	// A shared queue's bugs that nothing else shows fail the suite when
	// its waits run out, and they last ten leases: short leases fail them
	// sooner. The reference queue's leases lapse only when a consumer
	// crashed, so a short one takes nothing away from a live consumer.
	refSuite(t, os.Getenv("STORETEST_CONFIG"), bug, 100*time.Millisecond)
}

// TestSuiteCatchesBugs checks that each bug of the reference queue fails
// the subtest that should catch it.
func TestSuiteCatchesBugs(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the suite once per bug")
	}
	for _, b := range bugs {
		t.Run(b.bug, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuggy$/^"+b.subtest+"$", "-test.v", "-test.timeout=60s")
			cmd.Env = append(os.Environ(), "STORETEST_BUG="+b.bug, "STORETEST_CONFIG="+b.config)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed with the bug %q:\n%s", b.bug, out)
			}
			fail := regexp.MustCompile(fmt.Sprintf(`(?m)^    --- FAIL: TestBuggy/%s `, regexp.QuoteMeta(b.subtest)))
			if !fail.Match(out) {
				t.Fatalf("the subtest %s did not fail with the bug %q:\n%s", b.subtest, b.bug, out)
			}
			t.Logf("%s", out)
		})
	}
}
