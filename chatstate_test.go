package cardbot_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/store"
)

func TestChatState(t *testing.T) {
	ctx := context.Background()
	_, err := newBot().ChatState(ctx, "fake", "c1")
	require.ErrorIs(t, err, cardbot.ErrNoState, "a bot without state")
	_, err = newBot(cardbot.WithState(cardbot.StateConfig{Scope: cardbot.ScopeUser})).ChatState(ctx, "fake", "c1")
	require.ErrorIs(t, err, cardbot.ErrNoState, "conversations that are a user's")

	bot := newBot(cardbot.WithState(cardbot.StateConfig{}))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.SetState("asked") })
	_, err = bot.ChatState(ctx, "fake", "")
	require.ErrorIs(t, err, cardbot.ErrNoState, "no chat")
	rec, err := bot.ChatState(ctx, "fake", "c1")
	require.NoError(t, err)
	assert.Zero(t, rec.Version, "no conversation yet")

	require.NoError(t, bot.Dispatch(ctx, newFake("fake"), textUpdate("c1", "hi")))
	rec, err = bot.ChatState(ctx, "fake", "c1")
	require.NoError(t, err)
	assert.Equal(t, "asked", rec.State)
	rec, err = bot.ChatState(ctx, "other", "c1")
	require.NoError(t, err)
	assert.Zero(t, rec.Version, "another provider's chat of the same id")

	down := errors.New("store down")
	broken := newBot(cardbot.WithState(cardbot.StateConfig{Store: &flakyStore{MemoryStateStore: store.NewMemoryStateStore(), loadErr: down}}))
	_, err = broken.ChatState(ctx, "fake", "c1")
	require.ErrorIs(t, err, down, "a store that fails")
}
