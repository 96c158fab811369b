package cardbottest

import (
	"context"

	"github.com/cardbot/cardbot"
)

// Discard returns a cardbot.Provider named name (DefaultProvider when
// empty) whose sends succeed and are forgotten, for benchmarks: it keeps
// nothing and allocates nothing, so that a long run measures the bot, not
// the provider. Every send reports the id "sent".
func Discard(name string) cardbot.Provider {
	if name == "" {
		name = DefaultProvider
	}
	return discard{name}
}

// discard is the Provider of Discard.
type discard struct{ name string }

func (d discard) Name() string { return d.name }

func (discard) Send(context.Context, string, cardbot.Outgoing) (cardbot.SentMessage, error) {
	return cardbot.SentMessage{ID: "sent"}, nil
}
