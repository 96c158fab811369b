package flowtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
)

// Reply is the handler of the benchmarks without state: it replies.
func Reply(c *cardbot.Context) error { return c.Send(c.Text()) }

// CountAndReply is the handler of the benchmarks with state: it reads the
// conversation's count from its data, writes it back one more, so that
// the record is loaded and saved on every update, and replies.
func CountAndReply(c *cardbot.Context) error {
	n, err := cardbot.GetData[int](c)
	if err != nil {
		return err
	}
	if err := cardbot.SetData(c, n+1); err != nil {
		return err
	}
	return c.Send(c.Text())
}

// updates returns the updates of the benchmarks: keyed text updates of
// 1024 chats in turn, with 8192 keys, more than a benchmark's dedup store
// should keep, so that every key is new again when it comes back, as in
// production.
func updates() []cardbot.Update {
	list := make([]cardbot.Update, 8192)
	for i := range list {
		list[i] = cardbot.Update{
			Kind:    cardbot.KindMessage,
			Chat:    cardbot.Chat{ID: fmt.Sprint("7900", 1000000+i%1024, "@c.us"), Kind: cardbot.ChatPrivate},
			Sender:  cardbot.User{ID: "ann", Name: "Ann"},
			Key:     fmt.Sprint("k", i),
			Message: &cardbot.Message{ID: "m", Type: "textMessage", Text: "hello"},
		}
	}
	return list
}

// Bench dispatches the benchmark's updates to bot, whose handler is Reply
// or CountAndReply: a text webhook's work past the HTTP request. The bot
// should deduplicate with a store of fewer than 8192 keys.
func Bench(b *testing.B, bot *cardbot.Bot) {
	list := updates()
	ctx, p := context.Background(), cardbottest.Discard("bench")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := bot.Dispatch(ctx, p, list[i&(len(list)-1)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchPair dispatches each of the benchmark's updates to none, a bot
// without state, then to state, a bot with it, timing each, so that both
// see the same load of the machine; it reports the time of each per
// update and what state adds, in nanoseconds and in percent.
func BenchPair(b *testing.B, none, state *cardbot.Bot) {
	list := updates()
	ctx, p := context.Background(), cardbottest.Discard("bench")
	var took [2]time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := list[i&(len(list)-1)]
		i++
		for k, bot := range [2]*cardbot.Bot{none, state} {
			start := time.Now()
			if err := bot.Dispatch(ctx, p, u); err != nil {
				b.Fatal(err)
			}
			took[k] += time.Since(start)
		}
	}
	n := float64(i)
	b.ReportMetric(float64(took[0])/n, "none-ns/update")
	b.ReportMetric(float64(took[1])/n, "state-ns/update")
	b.ReportMetric(float64(took[1]-took[0])/n, "added-ns/update")
	b.ReportMetric(100*float64(took[1]-took[0])/float64(took[0]), "added-%")
}
