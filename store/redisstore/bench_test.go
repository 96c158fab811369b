package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/flowtest"
	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/stretchr/testify/require"
)

// update is a typical encoded update's size.
var update = make([]byte, 600)

func BenchmarkPush(b *testing.B) {
	q, _ := newQueue(b, testConfig(b))
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		_, err := q.Push(ctx, store.Entry{Provider: "greenapi", ChatID: strconv.Itoa(i % 100), Key: strconv.Itoa(i), Update: update})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPushDuplicate(b *testing.B) {
	q, _ := newQueue(b, testConfig(b))
	ctx := context.Background()
	e := store.Entry{Provider: "greenapi", ChatID: "c", Key: "k", Update: update}
	_, err := q.Push(ctx, e)
	require.NoError(b, err)
	for b.Loop() {
		ok, err := q.Push(ctx, e)
		if err != nil || ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkRoundTrip: one entry at a time, pushed, delivered and
// acknowledged.
func BenchmarkRoundTrip(b *testing.B) {
	q, _ := newQueue(b, testConfig(b))
	ch := make(chan store.Delivery, 1)
	c := consume(b, q, func(d store.Delivery) { ch <- d })
	ctx := context.Background()
	// Wait until the consumer holds the partitions.
	push(b, q, store.Entry{Provider: "greenapi", ChatID: "c"})
	require.NoError(b, q.Ack(ctx, <-ch))
	i := 0
	for b.Loop() {
		i++
		_, err := q.Push(ctx, store.Entry{Provider: "greenapi", ChatID: strconv.Itoa(i % 100), Update: update})
		if err != nil {
			b.Fatal(err)
		}
		if err := q.Ack(ctx, <-ch); err != nil {
			b.Fatal(err)
		}
	}
	require.NoError(b, c.stop())
}

func BenchmarkDedupBeginEnd(b *testing.B) {
	s, err := redisstore.NewDedupStore(redistest.Client(b), testConfig(b))
	require.NoError(b, err)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		key := "greenapi\x00" + strconv.Itoa(i)
		if _, err := s.Begin(ctx, key); err != nil {
			b.Fatal(err)
		}
		if err := s.End(ctx, key, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkState is cardbot's BenchmarkState with the conversations on
// Redis: each update loads its record (HMGET) and saves it changed (one
// script), two round trips. "none" is the same bot without state.
func BenchmarkState(b *testing.B) {
	bot := func(opts ...cardbot.Option) *cardbot.Bot {
		opts = append(opts, cardbot.WithLogger(quiet()), cardbot.WithDedupStore(store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 1024, TTL: time.Hour})))
		return cardbot.New(opts...)
	}
	b.Run("none", func(b *testing.B) {
		bt := bot()
		bt.Handle(cardbot.OnText, flowtest.Reply)
		flowtest.Bench(b, bt)
	})
	b.Run("redis", func(b *testing.B) {
		s, err := redisstore.NewStateStore(redistest.Client(b), testConfig(b))
		require.NoError(b, err)
		bt := bot(cardbot.WithState(cardbot.StateConfig{Store: s}))
		bt.Handle(cardbot.OnText, flowtest.CountAndReply)
		flowtest.Bench(b, bt)
	})
}
