package greenapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestLIDChatIsAChat: a user known by a hidden-number id (…@lid) is a
// private chat like any other: the reply goes to the @lid id, the dedup
// key names it, and no phone is made up from it.
func TestLIDChatIsAChat(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	const lid = "120650379300963@lid"
	body := srv.IncomingText(greenapitest.Incoming{ChatID: lid, IDMessage: "L1"}, "hello")
	got, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	u := got[0]
	assert.Equal(t, cardbot.Chat{ID: lid, Kind: cardbot.ChatPrivate, Title: "Sandbox User"}, u.Chat)
	assert.Equal(t, cardbot.User{ID: lid, Name: "Sandbox User"}, u.Sender, "no phone for a @lid")
	assert.Contains(t, u.Key, "|"+lid+"|L1|")

	b := cardbot.New()
	b.Handle(cardbot.OnText, func(ctx *cardbot.Context) error { return ctx.Reply("hi " + ctx.Text()) })
	require.NoError(t, b.Dispatch(t.Context(), c, u))
	sent := srv.SentMessages()
	require.Len(t, sent, 1)
	assert.Equal(t, lid, sent[0].ChatID)
	assert.Equal(t, "L1", sent[0].QuotedMessageID)
	assert.Equal(t, "hi hello", sent[0].Text)

	// The same message delivered again is a duplicate.
	require.NoError(t, b.Dispatch(t.Context(), c, u))
	assert.Len(t, srv.SentMessages(), 1)
}

// TestEditAndDeletionFromTheFake: the fake's edits and deletions decode
// as their kinds.
func TestEditAndDeletionFromTheFake(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	in := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	got, err := c.DecodeWebhook(srv.IncomingEdit(in, "M1", "fixed"))
	require.NoError(t, err)
	assert.Equal(t, cardbot.KindEdit, got[0].Kind)
	assert.Equal(t, "fixed", got[0].Message.Text)
	assert.Equal(t, "M1", got[0].Message.Replaces)
	got, err = c.DecodeWebhook(srv.IncomingDeletion(in, "M1"))
	require.NoError(t, err)
	assert.Equal(t, cardbot.KindDeletion, got[0].Kind)
	assert.Equal(t, "M1", got[0].Message.Deletes)
}

// TestLIDSenderPhone: when a notification carries the sender's phone
// beside a @lid id, Sender.Phone is that phone.
func TestLIDSenderPhone(t *testing.T) {
	body := `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"71231234567@c.us","typeInstance":"whatsapp"},` +
		`"timestamp":1755000000,"idMessage":"L2","senderData":{"chatId":"120650379300963@lid","sender":"120650379300963@lid","senderName":"John",` +
		`"senderPhoneNumber":79001234567},"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hi"}}}`
	got, err := decoder(t).DecodeWebhook([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, cardbot.User{ID: "120650379300963@lid", Name: "John", Phone: "79001234567"}, got[0].Sender)
}
