package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot/internal/waitingtests"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them. The
// tests spend their time waiting (for leases, TTLs, throwaway servers and
// failovers), not computing: more of them run at once than there are
// cores, unless go test's -parallel says how many.
func TestMain(m *testing.M) {
	waitingtests.RaiseParallel(4)
	goleak.VerifyTestMain(m)
}

// testLease is the LeaseTTL of the tests: short, so that takeovers are
// quick, and long enough for a loaded machine running -race.
const testLease = time.Second

// quiet is a logger for tests that provoke failures; LOG=1 shows it.
func quiet() *slog.Logger {
	if os.Getenv("LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// testConfig is the Config of a test: its own prefix, short leases.
func testConfig(t testing.TB) redisstore.Config {
	t.Helper()
	return redisstore.Config{
		Prefix:       redistest.Prefix(t),
		LeaseTTL:     testLease,
		PollInterval: 100 * time.Millisecond,
		Logger:       quiet(),
	}
}

// newQueue returns a Queue on a client of its own.
func newQueue(t testing.TB, cfg redisstore.Config) (*redisstore.Queue, redis.UniversalClient) {
	t.Helper()
	c := redistest.Client(t)
	q, err := redisstore.NewQueue(c, cfg)
	require.NoError(t, err)
	return q, c
}

func entry(chat, key, update string) store.Entry {
	return store.Entry{Provider: "greenapi", ChatID: chat, Key: key, Update: []byte(update), Pushed: time.Now()}
}

func push(t testing.TB, q store.Queue, es ...store.Entry) {
	t.Helper()
	for _, e := range es {
		ok, err := q.Push(context.Background(), e)
		require.NoError(t, err)
		require.True(t, ok, "pushed %q", e.Update)
	}
}

// consumer runs a Consume and collects its deliveries.
type consumer struct {
	t      testing.TB
	q      *redisstore.Queue
	cancel context.CancelFunc
	done   chan error
	ch     chan store.Delivery
}

// consume starts q.Consume; each delivery goes to the consumer's channel,
// unless handle is given, which then gets it (in the reader's goroutine).
func consume(t testing.TB, q *redisstore.Queue, handle func(store.Delivery)) *consumer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{t: t, q: q, cancel: cancel, done: make(chan error, 1), ch: make(chan store.Delivery, 10_000)}
	if handle == nil {
		handle = func(d store.Delivery) { c.ch <- d }
	}
	go func() { c.done <- q.Consume(ctx, handle) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			t.Errorf("Consume did not return")
		}
	})
	return c
}

// next returns the next delivery, failing after a wait long enough for a
// takeover.
func (c *consumer) next() store.Delivery {
	c.t.Helper()
	select {
	case d := <-c.ch:
		return d
	case <-time.After(5 * testLease):
		c.t.Fatalf("no delivery in %v", 5*testLease)
		return store.Delivery{}
	}
}

func (c *consumer) nextN(n int) []store.Delivery {
	c.t.Helper()
	ds := make([]store.Delivery, n)
	for i := range ds {
		ds[i] = c.next()
	}
	return ds
}

// none fails when a delivery comes within d.
func (c *consumer) none(d time.Duration) {
	c.t.Helper()
	select {
	case got := <-c.ch:
		c.t.Fatalf("unexpected delivery %s %q", got.ID, got.Update)
	case <-time.After(d):
	}
}

// stop ends Consume and returns its error.
func (c *consumer) stop() error {
	c.t.Helper()
	c.cancel()
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		return err
	case <-time.After(20 * time.Second):
		c.t.Fatal("Consume did not return")
		return nil
	}
}

func ackAll(t testing.TB, q store.Queue, ds []store.Delivery) {
	t.Helper()
	for _, d := range ds {
		require.NoError(t, q.Ack(context.Background(), d))
	}
}

func updates(ds []store.Delivery) []string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d.Update)
	}
	return s
}

// chatIn returns a chat id of partition p among n.
func chatIn(p, n int) string {
	for i := 0; ; i++ {
		chat := fmt.Sprintf("chat-%d", i)
		if store.Partition("greenapi", chat, n) == p {
			return chat
		}
	}
}

// eventually waits for cond, failing with msg.
func eventually(t testing.TB, cond func() bool, wait time.Duration, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf(msg, args...)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder is a deliver func that checks that no entry is delivered while
// a delivery of it is still being handled, and acknowledges each after a
// pause.
type recorder struct {
	mu       sync.Mutex
	inFlight map[string]string // update → consumer
	seen     map[string]int
	order    map[string][]string // chat → updates
	byName   map[string]int
	twice    []string
}

func newRecorder() *recorder {
	return &recorder{inFlight: map[string]string{}, seen: map[string]int{}, order: map[string][]string{}, byName: map[string]int{}}
}

func (r *recorder) handler(t testing.TB, name string, q store.Queue, pause time.Duration) func(store.Delivery) {
	return func(d store.Delivery) {
		u := string(d.Update)
		r.mu.Lock()
		if other, ok := r.inFlight[u]; ok {
			r.twice = append(r.twice, fmt.Sprintf("%s by %s while %s had it", u, name, other))
		}
		r.inFlight[u] = name
		r.seen[u]++
		r.order[d.ChatID] = append(r.order[d.ChatID], u)
		r.byName[name]++
		r.mu.Unlock()
		go func() {
			time.Sleep(pause)
			r.mu.Lock()
			delete(r.inFlight, u)
			r.mu.Unlock()
			if err := q.Ack(context.Background(), d); err != nil {
				t.Errorf("ack: %v", err)
			}
		}()
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}
