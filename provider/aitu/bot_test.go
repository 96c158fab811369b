package aitu_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/webhook"
)

var _ webhook.Source = (*aitu.Client)(nil)

// echoBot is a bot that echoes texts (as replies), sends back every contact
// it gets, and records statuses.
type echoBot struct {
	*cardbot.Bot
	mu       sync.Mutex
	statuses []cardbot.Update
	cards    []contactcard.Card
}

func newEchoBot(t *testing.T, c *aitu.Client) *echoBot {
	t.Helper()
	b := &echoBot{Bot: cardbot.New(cardbot.WithProviders(c), cardbot.WithLogger(slog.New(slog.DiscardHandler)))}
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Reply("echo: " + c.Text()) })
	b.Handle(cardbot.OnContact, func(c *cardbot.Context) error {
		cards, err := c.Contacts()
		if err != nil {
			return err
		}
		for _, card := range cards {
			b.mu.Lock()
			b.cards = append(b.cards, card)
			b.mu.Unlock()
			if err := c.SendContact(card); err != nil {
				return err
			}
		}
		return nil
	})
	b.Handle(cardbot.OnStatus, func(c *cardbot.Context) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.statuses = append(b.statuses, *c.Update())
		return nil
	})
	return b
}

func (b *echoBot) gotStatuses() []cardbot.Update {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]cardbot.Update(nil), b.statuses...)
}

// serveWebhook mounts the bot on a secret path and sets the webhook.
func serveWebhook(t *testing.T, srv *aitutest.Server, c *aitu.Client, b *echoBot) (hookURL, base string) {
	t.Helper()
	secret, err := aitu.NewWebhookSecret()
	require.NoError(t, err)
	e := echo.New()
	_, err = webhook.Mount(e, "/webhook/aitu/"+secret, b, c, webhook.Config{Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true})
	require.NoError(t, err)
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	hookURL = hs.URL + "/webhook/aitu/" + secret
	require.NoError(t, c.SetWebhook(t.Context(), hookURL))
	got, err := c.GetWebhook(t.Context())
	require.NoError(t, err)
	require.Equal(t, hookURL, got)
	return hookURL, hs.URL
}

func TestBotOverWebhookKeepsPeerTypesAndCorrelates(t *testing.T) {
	for _, peer := range []string{aitu.PeerUser, aitu.PeerGroup, aitu.PeerChannel} {
		t.Run(peer, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			b := newEchoBot(t, c)
			hook, base := serveWebhook(t, srv, c, b)

			chat := aitu.ChatID(peer, aitutest.NewUUID())
			in := aitutest.Incoming{ChatID: chat, MessageID: aitutest.NewUUID()}
			_, err := srv.Push(t.Context(), hook, aitutest.Batch(srv.IncomingText(in, "hello")))
			require.NoError(t, err)

			cmds := srv.SentMessages()
			require.Len(t, cmds, 1)
			cmd := cmds[0]
			assert.Equal(t, peer, cmd.Recipient.Type, "the reply keeps the dialog's peer type")
			assert.Equal(t, chat, aitu.ChatID(cmd.Recipient.Type, cmd.Recipient.ID))
			assert.Equal(t, "echo: hello", *cmd.Content)
			assert.Equal(t, in.MessageID, cmd.ReplyToMessageID)

			// The server posts MessageIdAssigned to the webhook; it reaches
			// OnStatus with the localId and the chat.
			require.Eventually(t, func() bool { return len(b.gotStatuses()) == 1 }, 5*time.Second, 5*time.Millisecond)
			st := b.gotStatuses()[0]
			assert.Equal(t, cardbot.KindStatus, st.Kind)
			assert.Equal(t, chat, st.Chat.ID)
			assert.Equal(t, cmd.LocalID, st.Status.MessageID)
			assert.Equal(t, aitu.StatusAssigned, st.Status.Name)
			assert.Equal(t, cmd.MessageID, st.Status.Description)
			assert.Empty(t, srv.PushErrors())

			// Another path is not the bot's.
			resp, err := http.Post(base+"/webhook/aitu/guess", "application/json", strings.NewReader(`{"updates":[]}`))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		})
	}
}

func TestBotContactsBothWays(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	b := newEchoBot(t, c)
	hook, _ := serveWebhook(t, srv, c, b)
	chat := aitu.ChatID(aitu.PeerGroup, aitutest.NewUUID())
	in := aitutest.Incoming{ChatID: chat}
	reg := aitutest.NewUUID()
	body := aitutest.Batch(
		srv.IncomingUnregisteredContact(in, "Aigerim", "Sadykova", "8 701 123 45 67"),
		srv.IncomingRegisteredContact(in, aitu.ContactUser{ID: reg, FirstName: "Alex", LastName: "Key", PhoneNumber: "+77011234568", Username: "@alex"}),
	)
	_, err := srv.Push(t.Context(), hook, body)
	require.NoError(t, err)

	b.mu.Lock()
	cards := append([]contactcard.Card(nil), b.cards...)
	b.mu.Unlock()
	require.Len(t, cards, 2)
	assert.Equal(t, "Aigerim Sadykova", cards[0].FormattedName)
	assert.Empty(t, cards[0].Accounts)
	assert.Equal(t, map[string]string{contactcard.MessengerAitu: reg}, cards[1].Accounts)

	cmds := srv.SentMessages()
	require.Len(t, cmds, 2)
	for _, cmd := range cmds {
		assert.Equal(t, aitu.CommandSendContactMessage, cmd.Type)
		assert.Equal(t, aitu.PeerGroup, cmd.Recipient.Type)
	}
	assert.Equal(t, &aitu.InputContact{ContactType: aitu.ContactUnregistered, FirstName: "Aigerim", LastName: "Sadykova",
		PhoneNumber: "77011234567"}, cmds[0].InputMedia, "the national number normalized in KZ")
	assert.Equal(t, &aitu.InputContact{ContactType: aitu.ContactRegistered, UserID: reg, FirstName: "Alex", LastName: "Key",
		PhoneNumber: "77011234568"}, cmds[1].InputMedia)
	require.Eventually(t, func() bool { return len(b.gotStatuses()) == 2 }, 5*time.Second, 5*time.Millisecond)
}

func TestBotOverPollingCorrelates(t *testing.T) {
	srv := newServer(t, aitutest.WithMaxPollWait(20*time.Millisecond))
	c := newClient(t, srv)
	b := newEchoBot(t, c)
	chat := aitu.ChatID(aitu.PeerChannel, aitutest.NewUUID())
	srv.Enqueue(srv.IncomingText(aitutest.Incoming{ChatID: chat}, "ping"))

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- aitu.NewPoller(c, b, fastPolling).Run(ctx) }()
	require.Eventually(t, func() bool { return len(b.gotStatuses()) == 1 }, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	cmds := srv.SentMessages()
	require.Len(t, cmds, 1)
	st := b.gotStatuses()[0]
	assert.Equal(t, chat, st.Chat.ID)
	assert.Equal(t, cardbot.ChatChannel, st.Chat.Kind)
	assert.Equal(t, cmds[0].LocalID, st.Status.MessageID)
	assert.Equal(t, aitu.PeerChannel, cmds[0].Recipient.Type)
}

func TestMessageIDAssignedWithoutDialogUsesTheSentChat(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	chat := aitu.ChatID(aitu.PeerGroup, aitutest.NewUUID())
	sent, err := c.Send(t.Context(), chat, cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	body := aitutest.Batch(aitutest.NewUpdate(aitu.TypeMessageIDAssigned, map[string]any{"localId": sent.ID, "id": aitutest.NewUUID()}))
	got, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, cardbot.KindStatus, got[0].Kind)
	assert.Equal(t, chat, got[0].Chat.ID)
	assert.Equal(t, cardbot.ChatGroup, got[0].Chat.Kind)

}

// TestDecodeIsPure: decoding does not change the client, so a
// MessageIdAssigned that Aitu delivers again decodes as the first time,
// also for a send that failed after its request may have reached Aitu.
func TestDecodeIsPure(t *testing.T) {
	tests := []struct {
		name string
		fail func(*aitutest.Server)
	}{
		{"sent", func(*aitutest.Server) {}},
		{"send failed with 500", func(s *aitutest.Server) { s.FailNext(1, 500, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			chat := aitu.ChatID(aitu.PeerGroup, aitutest.NewUUID())
			tt.fail(srv)
			_, _ = c.Send(t.Context(), chat, cardbot.Text{Body: "hi"})
			cmds := srv.Calls()
			require.NotEmpty(t, cmds)
			var req aitu.CommandRequest
			require.NoError(t, json.Unmarshal(cmds[0].Body, &req))
			localID := req.Commands[0].LocalID
			body := aitutest.Batch(aitutest.NewUpdate(aitu.TypeMessageIDAssigned, map[string]any{"localId": localID, "id": aitutest.NewUUID()}))

			first, err := c.DecodeWebhook(body)
			require.NoError(t, err)
			second, err := c.DecodeWebhook(body)
			require.NoError(t, err)
			assert.Equal(t, first, second, "the same body decodes the same")
			require.Len(t, second, 1)
			assert.Equal(t, cardbot.KindStatus, second[0].Kind)
			assert.Equal(t, chat, second[0].Chat.ID)
			assert.Equal(t, localID, second[0].Status.MessageID)
		})
	}
}
