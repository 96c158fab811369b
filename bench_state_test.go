package cardbot_test

import (
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/flowtest"
)

// BenchmarkState is a text update through Dispatch (dedup on) to a
// handler that replies: "none" on a bot without state, "memory" on a bot
// with WithState whose handler also reads its conversation's data and
// writes it back, changed, so that the record is loaded and saved on every
// update. The difference is what conversation state costs per update; the
// file and Redis stores have the same benchmark.
func BenchmarkState(b *testing.B) {
	dedup := func() cardbot.Option { return cardbot.WithDedupStore(cardbot.NewMemoryDedupStore(1024, time.Hour)) }
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
