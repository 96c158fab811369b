package providertest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/store"
)

// LeaseTTL is the lease's time to live of the pollers that share one.
const LeaseTTL = 150 * time.Millisecond

// texts returns the texts of updates.
func texts(updates []cardbot.Update) []string {
	var out []string
	for _, u := range updates {
		out = append(out, u.Message.Text)
	}
	return out
}

// pollers checks the pollers' contract.
func pollers[C Client](t *testing.T, h Harness[C]) {
	setup := func(t *testing.T) (Fake, C) {
		fake := h.Serve(t)
		return fake, h.New(t, Options{APIURL: fake.URL})
	}
	enqueue := func(fake Fake, texts ...string) {
		for _, s := range texts {
			fake.Enqueue(s)
		}
	}

	t.Run("an update comes again until it is handled", func(t *testing.T) {
		fake, c := setup(t)
		enqueue(fake, "one", "two", "three")
		// "two" fails with retryable errors, then a panic, which counts
		// as handled.
		rec := &apitest.Recorder{Errs: []error{nil, cardbot.Retryable(errors.New("db down")), store.ErrQueueFull, &cardbot.PanicError{Value: "boom"}}}
		stop := apitest.Run(t, h.Poll(c, rec, nil))
		require.Eventually(t, func() bool { return len(rec.Updates()) == 5 && fake.Pending() == 0 }, 5*time.Second, time.Millisecond)
		require.ErrorIs(t, stop(), context.Canceled)
		assert.Equal(t, []string{"one", "two", "two", "two", "three"}, texts(rec.Updates()))
		assert.Same(t, any(c), rec.Provider())
	})

	t.Run("failures are waited out", func(t *testing.T) {
		fake, c := setup(t)
		fake.Fail(3, Failure{Status: 500})
		enqueue(fake, "one")
		rec := &apitest.Recorder{}
		stop := apitest.Run(t, h.Poll(c, rec, nil))
		require.Eventually(t, func() bool { return len(rec.Updates()) == 1 && fake.Pending() == 0 }, 5*time.Second, time.Millisecond)
		require.ErrorIs(t, stop(), context.Canceled)
		calls := fake.Calls()
		require.Greater(t, len(calls), 3)
		for i := 1; i < 3; i++ {
			assert.GreaterOrEqual(t, calls[i].Sub(calls[i-1]), time.Millisecond, "a wait between failed calls")
		}
	})

	t.Run("an empty queue is polled on", func(t *testing.T) {
		fake, c := setup(t)
		rec := &apitest.Recorder{}
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		require.ErrorIs(t, h.Poll(c, rec, nil)(ctx), context.DeadlineExceeded)
		assert.Empty(t, rec.Updates())
		assert.GreaterOrEqual(t, len(fake.Calls()), 2, "it keeps polling")
	})

	for _, status := range []int{401, 403} {
		t.Run(fmt.Sprint("a poller stops on ", status), func(t *testing.T) {
			fake, c := setup(t)
			fake.Fail(1, Failure{Status: status})
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			err := h.Poll(c, &apitest.Recorder{}, nil)(ctx)
			require.ErrorIs(t, err, h.Errors.Unauthorized)
			assert.Contains(t, err.Error(), "poller stopped")
			assert.Len(t, fake.Calls(), 1, "not retried")
		})
	}

	t.Run("pollers share a lease", func(t *testing.T) { shareALease(t, h) })
}

// shareALease checks that two pollers of one account on a shared Locker
// take turns: only the lease holder polls, and when it stops the other
// takes over.
func shareALease[C Client](t *testing.T, h Harness[C]) {
	fake := h.Serve(t)
	c := h.New(t, Options{APIURL: fake.URL})
	n := 0
	enqueue := func() {
		n++
		fake.Enqueue(fmt.Sprint("text ", n))
	}
	locker := store.NewMemoryLocker()
	first, second := &apitest.Recorder{}, &apitest.Recorder{}
	stopFirst := apitest.Run(t, h.Poll(c, first, locker))
	require.Eventually(t, func() bool { return len(fake.Calls()) > 0 }, 5*time.Second, time.Millisecond, "the first poller polls")
	stopSecond := apitest.Run(t, h.Poll(c, second, locker))

	for range 3 {
		enqueue()
	}
	require.Eventually(t, func() bool { return len(first.Updates()) == 3 && fake.Pending() == 0 }, 5*time.Second, time.Millisecond)
	time.Sleep(LeaseTTL / 2) // the second poller has tried for the lease meanwhile
	assert.Empty(t, second.Updates(), "the other one never polled")

	require.ErrorIs(t, stopFirst(), context.Canceled) // releases the lease
	enqueue()
	require.Eventually(t, func() bool { return len(second.Updates()) == 1 }, 5*time.Second, time.Millisecond,
		"the second poller takes over")
	require.ErrorIs(t, stopSecond(), context.Canceled)
	assert.Len(t, first.Updates(), 3)
}
