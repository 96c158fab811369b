package cardbot_test

import (
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/flowtest"
	"github.com/cardbot/cardbot/store"
)

// BenchmarkState is a text update through Dispatch (dedup on) to a
// handler that replies: "none" on a bot without state, "memory" on a bot
// with WithState whose handler also reads its conversation's data and
// writes it back, changed, so that the record is loaded and saved on every
// update. The difference is what conversation state costs per update; the
// file and Redis stores have the same benchmark.
func BenchmarkState(b *testing.B) {
	dedup := func() cardbot.Option {
		return cardbot.WithDedupStore(store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 1024, TTL: time.Hour}))
	}
	b.Run("none", func(b *testing.B) {
		bot := newBot(dedup())
		bot.Handle(cardbot.OnText, flowtest.Reply)
		flowtest.Bench(b, bot)
	})
	b.Run("memory", func(b *testing.B) {
		bot := newBot(dedup(), cardbot.WithState(cardbot.StateConfig{}))
		bot.Handle(cardbot.OnText, flowtest.CountAndReply)
		flowtest.Bench(b, bot)
	})
}

// BenchmarkStateOverhead dispatches each update of BenchmarkState to the
// bot without state and to the bot with it, timed apart, so that a busy
// machine slows both alike: added-ns/update is what state costs, to
// compare with a whole text webhook (webhook's BenchmarkWebhook/Bot).
func BenchmarkStateOverhead(b *testing.B) {
	dedup := func() cardbot.Option {
		return cardbot.WithDedupStore(store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 1024, TTL: time.Hour}))
	}
	none := newBot(dedup())
	none.Handle(cardbot.OnText, flowtest.Reply)
	state := newBot(dedup(), cardbot.WithState(cardbot.StateConfig{}))
	state.Handle(cardbot.OnText, flowtest.CountAndReply)
	flowtest.BenchPair(b, none, state)
}
