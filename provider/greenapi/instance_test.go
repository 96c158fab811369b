package greenapi_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// kinds are the docs' text notifications of each kind of instance, and
// their instance ids.
var instanceKinds = []struct {
	messenger greenapi.Messenger
	file      string
	id        string
}{
	{greenapi.WhatsApp, "incoming_text.json", "1234"},
	{greenapi.MAX, "max_text.json", "3100000000"},
	{greenapi.Telegram, "telegram_text.json", "4100000000"},
}

// withInstance returns body with its instanceData's idInstance replaced.
func withInstance(body []byte, from, to string) []byte {
	return bytes.Replace(body, []byte(`"idInstance": `+from), []byte(`"idInstance": `+to), 1)
}

// TestDecodeRefusesAnotherKind: a notification of another kind of
// instance, even one with the client's idInstance, is refused with a
// *WrongInstanceError that says what was expected and what came.
func TestDecodeRefusesAnotherKind(t *testing.T) {
	for _, own := range instanceKinds {
		c, err := greenapi.New(greenapi.Config{Messenger: own.messenger, IDInstance: own.id, APITokenInstance: "t"})
		require.NoError(t, err)
		ok, err := c.DecodeWebhook(fixture(t, own.file))
		require.NoError(t, err, "its own kind")
		require.Len(t, ok, 1)
		for _, other := range instanceKinds {
			if other.messenger == own.messenger {
				continue
			}
			t.Run(other.messenger.String()+" to "+own.messenger.String(), func(t *testing.T) {
				body := withInstance(fixture(t, other.file), other.id, own.id)
				ups, err := c.DecodeWebhook(body)
				require.Error(t, err)
				assert.Nil(t, ups)
				assert.ErrorIs(t, err, greenapi.ErrWrongInstance)
				assert.ErrorIs(t, err, cardbot.ErrMisrouted)
				assert.NotErrorIs(t, err, cardbot.ErrMalformedUpdate)
				var wrong *greenapi.WrongInstanceError
				require.ErrorAs(t, err, &wrong)
				assert.Equal(t, &greenapi.WrongInstanceError{Provider: c.Name(), WantType: own.messenger.TypeInstance(),
					GotType: other.messenger.TypeInstance(), WantID: own.id, GotID: own.id}, wrong)
				assert.Contains(t, err.Error(), own.id)
			})
		}
	}
}

// TestDecodeRefusesAnotherInstance: a notification of another instance of
// the same kind is refused too.
func TestDecodeRefusesAnotherInstance(t *testing.T) {
	for _, own := range instanceKinds {
		t.Run(own.messenger.String(), func(t *testing.T) {
			c, err := greenapi.New(greenapi.Config{Messenger: own.messenger, IDInstance: "1101000009", APITokenInstance: "t"})
			require.NoError(t, err)
			for _, body := range [][]byte{
				fixture(t, own.file),
				[]byte(strings.Replace(string(fixture(t, own.file)), `"idInstance": `+own.id, `"idInstance": "`+own.id+`"`, 1)),
			} {
				ups, err := c.DecodeWebhook(body)
				require.Error(t, err)
				assert.Nil(t, ups)
				assert.ErrorIs(t, err, greenapi.ErrWrongInstance)
				assert.ErrorIs(t, err, cardbot.ErrMisrouted)
				var wrong *greenapi.WrongInstanceError
				require.ErrorAs(t, err, &wrong)
				assert.Equal(t, own.id, wrong.GotID)
				assert.Equal(t, "1101000009", wrong.WantID)
				assert.Equal(t, own.messenger.TypeInstance(), wrong.GotType)
				assert.Contains(t, err.Error(), own.id)
				assert.Contains(t, err.Error(), "1101000009")
			}
		})
	}
}

// TestDecodeRefusesEveryTypeOfAnotherInstance: the check covers statuses,
// instance events and types the decoder does not know, not messages only.
func TestDecodeRefusesEveryTypeOfAnotherInstance(t *testing.T) {
	c, err := greenapi.New(greenapi.Config{Messenger: greenapi.Telegram, IDInstance: "4100000000", APITokenInstance: "t"})
	require.NoError(t, err)
	bodies := map[string]string{
		"status":              `{"typeWebhook":"outgoingMessageStatus","instanceData":{"idInstance":4100000000,"typeInstance":"whatsapp"},"chatId":"79001234567@c.us","idMessage":"A","status":"read"}`,
		"state":               `{"typeWebhook":"stateInstanceChanged","instanceData":{"idInstance":1,"typeInstance":"telegram"},"timestamp":1,"stateInstance":"notAuthorized"}`,
		"unknown type":        `{"typeWebhook":"somethingNew","instanceData":{"idInstance":4100000000,"typeInstance":"v3"}}`,
		"unknown shape":       `{"typeWebhook":"somethingNew","instanceData":{"idInstance":4100000000,"typeInstance":"whatsapp"},"senderData":7}`,
		"a typeInstance soon": `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":4100000000,"typeInstance":"waba"},"idMessage":"A","senderData":{"chatId":"1"},"messageData":{"typeMessage":"textMessage"}}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			_, err := c.DecodeWebhook([]byte(body))
			assert.ErrorIs(t, err, greenapi.ErrWrongInstance)
		})
	}
}

// TestDecodeWithoutInstanceData: a notification that does not name its
// instance is not refused for it.
func TestDecodeWithoutInstanceData(t *testing.T) {
	c, err := greenapi.New(greenapi.Config{Messenger: greenapi.Telegram, IDInstance: "4100000000", APITokenInstance: "t"})
	require.NoError(t, err)
	ups, err := c.DecodeWebhook([]byte(`{"typeWebhook":"incomingMessageReceived","idMessage":"A","senderData":{"chatId":"10000000"},"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hi"}}}`))
	require.NoError(t, err)
	assert.Equal(t, "hi", ups[0].Message.Text)
}

// TestMisroutedTelegramNeverAnsweredOnWhatsApp is the bug the check fixes:
// a Telegram notification on a WhatsApp route, whose chat id reads as a
// phone number, was answered on WhatsApp.
func TestMisroutedTelegramNeverAnsweredOnWhatsApp(t *testing.T) {
	wa := newServer(t, greenapitest.WithCredentials("4100000000", ""))
	c := newClient(t, wa)
	tg := newServer(t, greenapitest.WithTelegram(), greenapitest.WithCredentials("4100000000", ""))
	body := tg.IncomingText(greenapitest.Incoming{ChatID: "79001234567"}, "ping")
	b := cardbot.New()
	b.Handle(cardbot.OnText, func(ctx *cardbot.Context) error { return ctx.Reply("pong") })
	ups, err := c.DecodeWebhook(body)
	require.ErrorIs(t, err, cardbot.ErrMisrouted)
	for _, u := range ups {
		_ = b.Dispatch(t.Context(), c, u)
	}
	assert.Empty(t, wa.SentMessages())
	assert.Empty(t, wa.Calls())
}

// TestPollerStopsOnAnotherKind: a poller whose client is configured for
// another messenger than its instance stops with ErrWrongInstance, logs
// it once, and leaves the notification in the queue.
func TestPollerStopsOnAnotherKind(t *testing.T) {
	srv := newServer(t, greenapitest.WithTelegram())
	var logs strings.Builder
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.Messenger, cfg.PathPrefix = greenapi.WhatsApp, ""
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	rec := &apitest.Recorder{}
	srv.Enqueue(srv.IncomingText(greenapitest.Incoming{ChatID: "79001234567"}, "ping"))
	err := greenapi.NewPoller(c, rec, fastPolling).Run(t.Context())
	require.ErrorIs(t, err, greenapi.ErrWrongInstance)
	assert.Empty(t, rec.Updates())
	assert.Equal(t, 1, srv.Pending(), "the notification stays in the queue")
	assert.Equal(t, 1, strings.Count(logs.String(), "notification for another instance"), logs.String())
	assert.Contains(t, logs.String(), "Telegram")
}

// BenchmarkCheckInstance times the instance check every notification
// goes through, against BenchmarkWebhook's tens of microseconds.
func BenchmarkCheckInstance(b *testing.B) {
	c, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "t"})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if greenapi.CheckInstance(c, "whatsapp", "1101000001") != nil {
			b.Fatal("refused")
		}
	}
}
