package cardbot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/store"
)

func passThrough(next cardbot.HandlerFunc) cardbot.HandlerFunc {
	return func(c *cardbot.Context) error { return next(c) }
}

// BenchmarkRouting dispatches "/cmd0 arg" with 1 and with 100 commands
// registered: routing a command is a map lookup, so both cost the same.
func BenchmarkRouting(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprint("commands=", n), func(b *testing.B) {
			bot := newBot()
			for i := range n {
				bot.Handle(cardbot.Command(fmt.Sprint("cmd", i)), func(*cardbot.Context) error { return nil })
			}
			bot.Handle(cardbot.OnText, func(*cardbot.Context) error { return nil })
			u := textUpdate("chat", fmt.Sprint("/cmd", n-1, " arg"))
			ctx, p := context.Background(), cardbottest.Discard("bench")
			b.ReportAllocs()
			for b.Loop() {
				if err := bot.Dispatch(ctx, p, u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDispatch dispatches a keyed text update through two middlewares
// to a handler that sends a reply, with dedup on; BenchmarkDispatchNoKey
// is the same without a key, to show what dedup costs.
func BenchmarkDispatch(b *testing.B) {
	// A store smaller than the key cycle: every key is new again when it
	// comes back, as in production, where each update has a key of its own.
	bot := newBot(cardbot.WithDedupStore(store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 1024, TTL: time.Hour})))
	bot.Use(passThrough, passThrough)
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
	u := textUpdate("chat", "hello")
	ctx, p := context.Background(), cardbottest.Discard("bench")
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint("k", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u.Key = keys[i&(len(keys)-1)]
		i++
		if err := bot.Dispatch(ctx, p, u); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDispatchNoKey(b *testing.B) {
	bot := newBot()
	bot.Use(passThrough, passThrough)
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
	u := textUpdate("chat", "hello")
	ctx, p := context.Background(), cardbottest.Discard("bench")
	b.ReportAllocs()
	for b.Loop() {
		if err := bot.Dispatch(ctx, p, u); err != nil {
			b.Fatal(err)
		}
	}
}
