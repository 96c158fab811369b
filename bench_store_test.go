package cardbot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
)

// BenchmarkMemoryDedup is one Begin and End of a new key: what sync
// delivery's dedup costs per update in memory. The Redis and bbolt stores
// have the same benchmark.
func BenchmarkMemoryDedup(b *testing.B) {
	s := store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 1024, TTL: time.Hour})
	ctx := context.Background()
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint("greenapi\x00k", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := keys[i&(len(keys)-1)]
		i++
		if _, err := s.Begin(ctx, k); err != nil {
			b.Fatal(err)
		}
		if err := s.End(ctx, k, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryQueue is a Push, its delivery and its Ack in a
// MemoryQueue: what the queue of async delivery costs per update in
// memory, the figure the durable queues compare with.
func BenchmarkMemoryQueue(b *testing.B) {
	q := store.NewMemoryQueue(1024, time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	delivered := make(chan store.Delivery, 1024)
	done := make(chan error, 1)
	go func() { done <- q.Consume(ctx, func(d store.Delivery) { delivered <- d }) }()
	update := []byte(`{"v":1,"provider":"greenapi","kind":1}`)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		e := store.Entry{Provider: "greenapi", ChatID: "79001234567@c.us", Key: fmt.Sprint("k", i), Update: update, Pushed: time.Now()}
		if _, err := q.Push(ctx, e); err != nil {
			b.Fatal(err)
		}
		if err := q.Ack(ctx, <-delivered); err != nil {
			b.Fatal(err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAsyncDispatch pushes keyed text updates of 64 chats into an
// async bot whose handler replies, and waits until every one was handled:
// the whole of async delivery in memory, per update.
func BenchmarkAsyncDispatch(b *testing.B) {
	var handled atomic.Int64
	bot := newBot(delivery.WithAsync(delivery.Config{QueueSize: 4096}))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		handled.Add(1)
		return c.Send(c.Text())
	})
	ctx, p := context.Background(), cardbottest.Discard("bench")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		u := textUpdate(fmt.Sprint("chat", n%64), "hello")
		u.Key = fmt.Sprint("k", n)
		n++
		if err := bot.Dispatch(ctx, p, u); err != nil {
			b.Fatal(err)
		}
	}
	for handled.Load() < int64(n) {
		time.Sleep(time.Millisecond)
	}
	if err := bot.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
}
