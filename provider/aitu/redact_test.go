package aitu_test

import (
	"log/slog"
	"testing"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// leaksOfAitu drives the failure paths of Aitu's own for the contract's
// check that the token leaks nowhere: the config's, a download of the
// token, the webhook helpers, and a poller refused while a webhook is set.
func leaksOfAitu(t *testing.T, logger *slog.Logger, collect func(error)) {
	for _, cfg := range []aitu.Config{
		{Token: apiToken + "\n"},
		{Token: apiToken, APIURL: "ftp://" + apiToken},
		{Token: apiToken, APIURL: "https://x/?t=" + apiToken},
	} {
		_, err := aitu.New(cfg)
		collect(err)
	}

	srv := newServer(t, aitutest.WithCredentials(apiToken))
	c := newClient(t, srv, func(cfg *aitu.Config) { cfg.Logger = logger })
	_, err := c.Download(t.Context(), cardbot.Document{ID: apiToken})
	collect(err)
	collect(c.SetWebhook(t.Context(), "ftp://bot.example.com/"+apiToken))
	gone := newClient(t, srv, func(cfg *aitu.Config) { cfg.APIURL, cfg.Logger = apitest.RefusedURL(t), logger })
	collect(gone.SetWebhook(t.Context(), "https://bot.example.com/"+apiToken))

	srv.FailNextWith(1, aitutest.Failure{Status: 400, Body: aitutest.WebhookSpecified + " " + apiToken})
	collect(aitu.NewPoller(c, &apitest.Recorder{}, fastPolling).Run(t.Context()))
}
