package sandbox

import "context"

// StateSource is the extension point of the page's conversation state
// panel. cardbot has no conversation state API yet; once it has, an adapter
// of its store goes in Config.State, and the page shows what State returns
// for the chat on screen, as JSON, after every answer of the bot.
//
// provider is the provider's name ("greenapi", "max", "aitu") and chatID the
// chat as the provider writes it, the same as in cardbot.Update. State
// returns a value that encodes as JSON, or nil when the chat has no state.
// An error is shown in the panel; it must not carry secrets.
type StateSource interface {
	State(ctx context.Context, provider, chatID string) (any, error)
}

// StateFunc adapts a function to StateSource.
type StateFunc func(ctx context.Context, provider, chatID string) (any, error)

// State calls f.
func (f StateFunc) State(ctx context.Context, provider, chatID string) (any, error) {
	return f(ctx, provider, chatID)
}
