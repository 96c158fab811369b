package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestConfiguredTelegram: with TELEGRAM_* set, the bot serves the
// Telegram instance at /webhook/telegram and answers texts in private and
// group chats, shared contacts and .vcf files through it; a Telegram
// notification posted to the WhatsApp route is refused with 422 and
// answered through no instance.
func TestConfiguredTelegram(t *testing.T) {
	tg := greenapitest.NewServer(greenapitest.WithTelegram(), greenapitest.WithCredentials("4100000001", ""),
		greenapitest.WithWebhookToken("tg-hook"), greenapitest.WithPushRetry(1, 0))
	t.Cleanup(tg.Close)
	wa := greenapitest.NewServer(greenapitest.WithCredentials("1101000001", ""), greenapitest.WithWebhookToken("wa-hook"),
		greenapitest.WithPushRetry(1, 0))
	t.Cleanup(wa.Close)
	base := start(t, map[string]string{
		"TELEGRAM_API_URL":            tg.URL,
		"TELEGRAM_ID_INSTANCE":        tg.IDInstance,
		"TELEGRAM_API_TOKEN_INSTANCE": tg.Token,
		"TELEGRAM_WEBHOOK_TOKEN":      "tg-hook",
		"GREENAPI_API_URL":            wa.URL,
		"GREENAPI_ID_INSTANCE":        wa.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": wa.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "wa-hook",
	})
	hook := base + "/webhook/telegram"
	ctx := context.Background()
	private := greenapitest.Incoming{ChatID: "10000000", SenderPhone: "79876543210"}
	group := greenapitest.Incoming{ChatID: "-12345678909876", Sender: "10000002"}

	for _, body := range [][]byte{
		tg.IncomingText(private, "hello"),
		tg.IncomingText(group, "hello, group"),
		tg.IncomingTelegramContact(private, "Ivan", "Tsarevich", "79001234569", "10000001"),
		tg.IncomingDocument(group, "anna.vcf", "text/vcard", []byte("BEGIN:VCARD\nVERSION:3.0\nN:Smit;Anna;;;\nFN:Anna Smit\nTEL:+7 900 123-45-67\nEND:VCARD\n")),
	} {
		statuses, err := tg.Push(ctx, hook, body)
		require.NoError(t, err)
		require.Equal(t, []int{http.StatusOK}, statuses)
	}
	sent := greenapiReplies(tg)
	require.Len(t, sent, 4)
	assert.Equal(t, reply{Chat: "10000000", Text: "hello"}, sent[0])
	assert.Equal(t, reply{Chat: "-12345678909876", Text: "hello, group"}, sent[1])
	assert.Equal(t, "10000000", sent[2].Chat)
	assert.Equal(t, "-12345678909876", sent[3].Chat)
	assert.Equal(t, []card{{"79001234569", "Ivan", "Tsarevich", "", false}, {"79001234567", "Anna", "Smit", "", false}}, cardsOf(sent))
	assert.Empty(t, wa.Calls(), "nothing goes to WhatsApp")

	// A Telegram notification on the WhatsApp route, with the WhatsApp
	// route's token and a chat id that reads as a phone number: refused,
	// and answered nowhere.
	tg.WebhookToken = "wa-hook"
	statuses, err := tg.Push(ctx, base+"/webhook/greenapi", tg.IncomingText(greenapitest.Incoming{ChatID: "79001234567"}, "misrouted"))
	require.Error(t, err)
	assert.Equal(t, []int{http.StatusUnprocessableEntity}, statuses)
	assert.Empty(t, wa.Calls(), "not answered on WhatsApp")
	assert.Len(t, tg.SentMessages(), 4, "nor on Telegram")
}
