package cardbot

import (
	"context"
	"fmt"

	"github.com/cardbot/cardbot/store"
)

// ChatState returns the record of a chat's conversation as the bot's
// store.StateStore keeps it, for tools that show it (the sandbox's page does): a
// zero record when the chat has none. It reads the conversation of the
// chat itself (ScopeChat); a bot without WithState, or whose conversations
// are a user's (ScopeUserInChat, ScopeUser), fails with ErrNoState. It
// takes no lock: the record may change right after.
func (b *Bot) ChatState(ctx context.Context, provider, chatID string) (store.StateRecord, error) {
	k := b.state
	if k == nil || k.cfg.Scope != ScopeChat {
		return store.StateRecord{}, ErrNoState
	}
	key := k.key(&Update{Provider: provider, Chat: Chat{ID: chatID}})
	if key == "" {
		return store.StateRecord{}, fmt.Errorf("%w: a chat id is needed", ErrNoState)
	}
	rec, err := k.cfg.Store.Load(ctx, key)
	if err != nil {
		return store.StateRecord{}, fmt.Errorf("cardbot: state store: load: %w", err)
	}
	return rec, nil
}
