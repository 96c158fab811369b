package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/examples/echobot/handlers"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestEditsAndDeletions: a user who corrects a message gets the echo of
// the new text, marked as an edit, never a second echo as if it were new;
// a deleted message gets no answer.
func TestEditsAndDeletions(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
	t.Cleanup(fake.Close)
	aituFake := aitutest.NewServer()
	t.Cleanup(aituFake.Close)
	const secret = "Zq3-unguessable-path-segment"
	base := start(t, map[string]string{
		"GREENAPI_API_URL":            fake.URL,
		"GREENAPI_ID_INSTANCE":        fake.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
		"AITU_API_URL":                aituFake.Config().APIURL,
		"AITU_BOT_TOKEN":              aituFake.Token,
		"AITU_WEBHOOK_SECRET":         secret,
	})
	hook := base + "/webhook/greenapi"
	ctx := context.Background()
	chat := greenapitest.Incoming{ChatID: "77011234567@c.us", IDMessage: "BAE5AFC355030F7A"}

	_, err := fake.Push(ctx, hook, fake.IncomingText(chat, "helo"))
	require.NoError(t, err)
	_, err = fake.Push(ctx, hook, fake.IncomingEdit(greenapitest.Incoming{ChatID: chat.ChatID}, chat.IDMessage, "hello"))
	require.NoError(t, err)
	_, err = fake.Push(ctx, hook, fake.IncomingDeletion(greenapitest.Incoming{ChatID: chat.ChatID}, chat.IDMessage))
	require.NoError(t, err)
	assert.Equal(t, []reply{
		{Chat: chat.ChatID, Text: "helo"},
		{Chat: chat.ChatID, Text: handlers.EditedPrefix + "hello"},
	}, greenapiReplies(fake))

	// Aitu's MessageEdited, the same way.
	aituChat := aitu.ChatID(aitu.PeerUser, aitutest.NewUUID())
	_, peer, _ := strings.Cut(aituChat, ":")
	edit := fmt.Sprintf(`{"updateId":%q,"type":"MessageEdited","messageId":%q,"author":{"type":"USER","id":%q},"dialog":{"type":"USER","id":%q},"content":"салем!"}`,
		aitutest.NewUUID(), aitutest.NewUUID(), peer, peer)
	_, err = aituFake.Push(ctx, base+"/webhook/aitu/"+secret, aitutest.Batch([]byte(edit)))
	require.NoError(t, err)
	assert.Equal(t, []reply{{Chat: aituChat, Text: handlers.EditedPrefix + "салем!"}}, aituReplies(aituFake))
}
