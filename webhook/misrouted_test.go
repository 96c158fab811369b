package webhook_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// TestMisroutedNotification: a Telegram instance's notification posted to
// a WhatsApp route, with a chat id that reads as a phone number, answers
// 422, is logged once with what the route expected and what came, and is
// answered through no instance; the Telegram route handles it.
func TestMisroutedNotification(t *testing.T) {
	t.Parallel()
	for _, m := range mounts {
		t.Run(m.name, func(t *testing.T) {
			wa := greenapitest.NewServer(greenapitest.WithCredentials("4100000000", ""), greenapitest.WithWebhookToken("hook-token"))
			t.Cleanup(wa.Close)
			tg := greenapitest.NewServer(greenapitest.WithTelegram(), greenapitest.WithCredentials("4100000000", ""),
				greenapitest.WithWebhookToken("hook-token"))
			t.Cleanup(tg.Close)
			body := string(tg.IncomingText(greenapitest.Incoming{ChatID: "79001234567"}, "ping"))
			logs := &captured{}
			bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
			bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Reply("pong") })
			waClient, err := greenapi.New(wa.Config())
			require.NoError(t, err)
			tgClient, err := greenapi.New(tg.Config())
			require.NoError(t, err)

			srv := m.serve(t, bot, waClient, webhook.Config{Logger: slog.New(logs)})
			resp := post(t, srv.URL+"/webhook/test", "Bearer hook-token", body)
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
			answer, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.JSONEq(t, `{"message":"update for another instance"}`, string(answer))
			assert.Empty(t, wa.Calls(), "nothing answered on WhatsApp")
			assert.Empty(t, tg.Calls())

			var lines []map[string]any
			for _, l := range logs.lines {
				if strings.Contains(l["msg"].(string), "another provider instance") {
					lines = append(lines, l)
				}
			}
			require.Len(t, lines, 1, "logged once")
			msg := lines[0]["error"].(error).Error()
			assert.Contains(t, msg, "Telegram")
			assert.Contains(t, msg, "WhatsApp")
			assert.Contains(t, msg, "4100000000")

			own := m.serve(t, bot, tgClient, webhook.Config{Logger: slog.New(slog.DiscardHandler)})
			resp = post(t, own.URL+"/webhook/test", "Bearer hook-token", body)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			sent := tg.SentMessages()
			require.Len(t, sent, 1)
			assert.Equal(t, "79001234567", sent[0].ChatID)
			assert.Empty(t, wa.Calls())
		})
	}
}
