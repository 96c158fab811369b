package boltstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/flowtest"
	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/require"
)

// update is an update of a typical size: GREEN-API's incoming text message
// is about 700 bytes of JSON.
var update = make([]byte, 700)

// syncModes runs a benchmark with and without fsync.
func syncModes(b *testing.B, f func(b *testing.B, db *boltstore.DB)) {
	for _, mode := range []struct {
		name   string
		noSync bool
	}{{"sync", false}, {"nosync", true}} {
		b.Run(mode.name, func(b *testing.B) {
			f(b, open(b, tempPath(b), boltstore.Options{NoSync: mode.noSync}))
		})
	}
}

func BenchmarkPush(b *testing.B) {
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		q := db.Queue()
		ctx := context.Background()
		i := 0
		for b.Loop() {
			i++
			ok, err := q.Push(ctx, store.Entry{Provider: "greenapi", ChatID: "79001234567@c.us", Key: strconv.Itoa(i), Update: update})
			if err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}

func BenchmarkPushDuplicate(b *testing.B) {
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		q := db.Queue()
		ctx := context.Background()
		e := store.Entry{Provider: "greenapi", ChatID: "79001234567@c.us", Key: "dup", Update: update}
		_, err := q.Push(ctx, e)
		require.NoError(b, err)
		for b.Loop() {
			ok, err := q.Push(ctx, e)
			if err != nil || ok {
				b.Fatal(ok, err)
			}
		}
	})
}

// BenchmarkRoundTrip is an update's trip through the queue: Push, its
// delivery by Consume, and Ack.
func BenchmarkRoundTrip(b *testing.B) {
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		q := db.Queue()
		ctx, cancel := context.WithCancel(context.Background())
		delivered := make(chan store.Delivery)
		done := make(chan error, 1)
		go func() { done <- q.Consume(ctx, func(d store.Delivery) { delivered <- d }) }()
		i := 0
		for b.Loop() {
			i++
			if _, err := q.Push(ctx, store.Entry{Provider: "greenapi", ChatID: "c", Key: strconv.Itoa(i), Update: update}); err != nil {
				b.Fatal(err)
			}
			if err := q.Ack(ctx, <-delivered); err != nil {
				b.Fatal(err)
			}
		}
		cancel()
		require.NoError(b, <-done)
	})
}

func BenchmarkDedupBeginEnd(b *testing.B) {
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		s := db.DedupStore()
		ctx := context.Background()
		i := 0
		for b.Loop() {
			i++
			key := "greenapi\x00" + strconv.Itoa(i)
			st, err := s.Begin(ctx, key)
			if err != nil || st != store.DedupNew {
				b.Fatal(st, err)
			}
			if err := s.End(ctx, key, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDedupBeginDone is Begin of a key handled before: a redelivery.
func BenchmarkDedupBeginDone(b *testing.B) {
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		s := db.DedupStore()
		ctx := context.Background()
		_, err := s.Begin(ctx, "k")
		require.NoError(b, err)
		require.NoError(b, s.End(ctx, "k", true))
		for b.Loop() {
			if st, err := s.Begin(ctx, "k"); err != nil || st != store.DedupDone {
				b.Fatal(st, err)
			}
		}
	})
}

// BenchmarkPushParallel is Push from many webhooks at once: bbolt commits
// one transaction at a time.
func BenchmarkPushParallel(b *testing.B) {
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		q := db.Queue()
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				if _, err := q.Push(ctx, store.Entry{Provider: "greenapi", ChatID: "c", Update: update}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkState is cardbot's BenchmarkState with the conversations in the
// file: each update loads its record and saves it changed (one commit).
// "none" is the same bot without state.
func BenchmarkState(b *testing.B) {
	bot := func(opts ...cardbot.Option) *cardbot.Bot {
		opts = append(opts, cardbot.WithLogger(quiet), cardbot.WithDedupStore(store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 1024, TTL: time.Hour})))
		return cardbot.New(opts...)
	}
	b.Run("none", func(b *testing.B) {
		bt := bot()
		bt.Handle(cardbot.OnText, flowtest.Reply)
		flowtest.Bench(b, bt)
	})
	syncModes(b, func(b *testing.B, db *boltstore.DB) {
		bt := bot(cardbot.WithState(cardbot.StateConfig{Store: db.StateStore()}))
		bt.Handle(cardbot.OnText, flowtest.CountAndReply)
		flowtest.Bench(b, bt)
	})
}
