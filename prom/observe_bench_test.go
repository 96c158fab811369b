package prom_test

import (
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/prom"
)

// BenchmarkObserve is the Prometheus observer's cost for what one text
// webhook makes it count: its receipt, its handling and its send.
func BenchmarkObserve(b *testing.B) {
	o, err := prom.New(prom.Config{})
	if err != nil {
		b.Fatal(err)
	}
	obs := []cardbot.Observation{
		{Kind: cardbot.ObsReceived, Provider: "greenapi", UpdateKind: cardbot.KindMessage},
		{Kind: cardbot.ObsHandled, Provider: "greenapi", UpdateKind: cardbot.KindMessage, Route: "OnText", Outcome: cardbot.OutcomeOK, Duration: time.Millisecond},
		{Kind: cardbot.ObsSent, Provider: "greenapi", Method: "text", Outcome: cardbot.OutcomeOK, Duration: time.Millisecond},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, ob := range obs {
			o.Observe(ob)
		}
	}
}
