package sandbox

import (
	"context"
	"encoding/json"

	"github.com/cardbot/cardbot"
)

// StateSource feeds the page's conversation state panel: the page shows
// what State returns for the chat on screen, as JSON, after every answer of
// the bot. New takes BotState(bot) when Config.State is nil and the bot
// keeps a state per chat (cardbot.WithState with ScopeChat); a bot whose
// conversations are a user's needs a StateSource of its own.
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

// BotState is the StateSource of a bot that keeps a state per chat: the
// record of the chat's conversation (its state's name and its data, as
// cardbot.Bot.ChatState reads them), or nil when it has none.
func BotState(bot *cardbot.Bot) StateSource {
	return StateFunc(func(ctx context.Context, provider, chatID string) (any, error) {
		rec, err := bot.ChatState(ctx, provider, chatID)
		if err != nil || rec.Version == 0 {
			return nil, err
		}
		shown := struct {
			State string          `json:"state"`
			Data  json.RawMessage `json:"data,omitempty"`
		}{rec.State, rec.Data}
		return shown, nil
	})
}
