package store

import "context"

// Pinger is a store or a provider that can say whether it answers. The
// stores of package store and the providers implement it; cardbot.Bot.Ready asks
// them.
type Pinger interface {
	// Ping returns nil when the store or the provider answers, within
	// ctx.
	Ping(ctx context.Context) error
}
