package prom_test

import (
	"testing"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/benchhook"
	"github.com/cardbot/cardbot/prom"
)

// BenchmarkWebhookObserver is webhook.BenchmarkWebhook's Bot (a GREEN-API
// text webhook through echo, auth, decode, dedup, routing, Recover and
// Logger, the handler and c.Send through the client on an in-process
// transport) without an observer and with the Prometheus one, which
// counts the update received, its handling and its send. The two bots
// take turns, one webhook each, so that a change of the machine's load
// touches both alike; plain-ns/op and prom-ns/op are their times, and
// prom/plain their ratio. The target: Prometheus adds under 5 %.
func BenchmarkWebhookObserver(b *testing.B) {
	obs, err := prom.New(prom.Config{})
	if err != nil {
		b.Fatal(err)
	}
	benchhook.Pair(b, "prom", benchhook.Bot(b, benchhook.Reply), benchhook.Bot(b, benchhook.Reply, cardbot.WithObserver(obs)))
}
