package greenapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestSetWebhook: each kind of instance is pointed at its route with
// setSettings, on its own path (/v3 on MAX), with the client's webhook
// token; an empty URL clears both, as polling needs.
func TestSetWebhook(t *testing.T) {
	kinds := map[string]greenapitest.Option{
		"whatsapp": greenapitest.WithWebhookToken("wa-secret"),
		"max":      greenapitest.WithMAX(),
		"telegram": greenapitest.WithTelegram(),
	}
	for name, opt := range kinds {
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, opt)
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.WebhookToken = "secret-" + name })
			require.NoError(t, c.SetWebhook(t.Context(), "https://bot.example.com/webhook/"+name))
			got := srv.Settings()
			assert.Equal(t, "https://bot.example.com/webhook/"+name, got.WebhookURL)
			assert.Equal(t, "secret-"+name, got.WebhookURLToken)
			assert.Equal(t, "yes", got.Switches["incomingWebhook"])
			calls := srv.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, "setSettings", calls[0].Method)
			assert.Equal(t, 200, calls[0].Status, "the path has the kind's prefix")
			assert.JSONEq(t, `{"webhookUrl":"https://bot.example.com/webhook/`+name+`","webhookUrlToken":"secret-`+name+`","incomingWebhook":"yes"}`, string(calls[0].Body))

			require.NoError(t, c.SetWebhook(t.Context(), ""))
			got = srv.Settings()
			assert.Empty(t, got.WebhookURL)
			assert.Empty(t, got.WebhookURLToken)
			assert.Equal(t, 2, got.Calls)
		})
	}
}

func TestSetWebhookRefused(t *testing.T) {
	for _, bad := range []string{"ftp://bot.example.com/hook", "/webhook/greenapi", "https://", "http://[::1"} {
		t.Run(bad, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.WebhookToken = "hook-secret-1" })
			err := c.SetWebhook(t.Context(), bad)
			require.ErrorIs(t, err, greenapi.ErrValidation)
			assert.NotContains(t, err.Error(), "hook-secret-1")
			assert.Empty(t, srv.Calls(), "no request")
		})
	}
}

func TestSetWebhookFailures(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"saveSettings":false}`})
	require.Error(t, c.SetWebhook(t.Context(), "https://bot.example.com/hook"))
	srv.FailNext(1, 401, 0)
	err := c.SetWebhook(t.Context(), "https://bot.example.com/hook")
	require.ErrorIs(t, err, greenapi.ErrUnauthorized)
	assert.False(t, cardbot.IsRetryable(err))
	assert.NotContains(t, err.Error(), srv.Token)
}
