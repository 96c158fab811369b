package boltstore_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/cardbot/cardbot/internal/waitingtests"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them. The
// tests spend their time waiting (for fsyncs, child processes and TTLs),
// not computing: more of them run at once than there are cores, unless go
// test's -parallel says how many.
func TestMain(m *testing.M) {
	waitingtests.RaiseParallel(4)
	goleak.VerifyTestMain(m)
}

var quiet = slog.New(slog.DiscardHandler)

// tempPath returns the path of a file that does not exist yet.
func tempPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "cardbot.db")
}

// open opens path for the test, closing it at the end of the test.
func open(t testing.TB, path string, opts boltstore.Options) *boltstore.DB {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	db, err := boltstore.Open(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openClock opens path for the test with the clock clk.
func openClock(t testing.TB, path string, opts boltstore.Options, clk *boltstore.Clock) *boltstore.DB {
	t.Helper()
	opts.Logger = quiet
	db, err := boltstore.OpenWithClock(path, opts, clk.Now)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func entry(chat, key, update string) store.Entry {
	return store.Entry{Provider: "greenapi", ChatID: chat, Key: key, Update: []byte(update)}
}

// consumer runs Consume of a queue in a goroutine, and hands what it
// delivers to the test through a channel.
type consumer struct {
	t      testing.TB
	ch     chan store.Delivery
	cancel context.CancelFunc
	done   chan error
}

// consume starts a consumer of q. buffer is the room of its channel; with
// 0, Consume's deliver waits until the test takes the delivery.
func consume(t testing.TB, q store.Queue, buffer int) *consumer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{t: t, ch: make(chan store.Delivery, buffer), cancel: cancel, done: make(chan error, 1)}
	go func() { c.done <- q.Consume(ctx, func(d store.Delivery) { c.ch <- d }) }()
	return c
}

// next returns the next delivery.
func (c *consumer) next() store.Delivery {
	c.t.Helper()
	select {
	case d := <-c.ch:
		return d
	case <-time.After(5 * time.Second):
		c.t.Fatal("no delivery within 5 s")
		return store.Delivery{}
	}
}

// nextN returns the next n deliveries.
func (c *consumer) nextN(n int) []store.Delivery {
	c.t.Helper()
	list := make([]store.Delivery, n)
	for i := range list {
		list[i] = c.next()
	}
	return list
}

// none checks that nothing is delivered for a while.
func (c *consumer) none() {
	c.t.Helper()
	select {
	case d := <-c.ch:
		c.t.Fatalf("unexpected delivery %s %q", d.ID, d.Update)
	case <-time.After(50 * time.Millisecond):
	}
}

// stop cancels Consume and returns what it returned.
func (c *consumer) stop() error {
	c.t.Helper()
	c.cancel()
	return c.wait()
}

func (c *consumer) wait() error {
	c.t.Helper()
	select {
	case err := <-c.done:
		return err
	case <-time.After(5 * time.Second):
		c.t.Fatal("Consume did not return within 5 s")
		return nil
	}
}

// updates returns the updates of deliveries, as strings.
func updates(list []store.Delivery) []string {
	s := make([]string, len(list))
	for i, d := range list {
		s[i] = string(d.Update)
	}
	return s
}

// ackAll acknowledges every delivery of list.
func ackAll(t testing.TB, q store.Queue, list []store.Delivery) {
	t.Helper()
	for _, d := range list {
		require.NoError(t, q.Ack(context.Background(), d))
	}
}
