package aitu_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// TestTokenNeverLeaks drives every failure path with a logger at level
// Debug and asserts that the token is in no error string and no log line.
func TestTokenNeverLeaks(t *testing.T) {
	const token = "51ae2e07-22e6-4460-8929-4aaf082127fa"
	leaks := apitest.NewLeaks(t)
	logger, collect := leaks.Logger, leaks.Collect
	srv := newServer(t, aitutest.WithCredentials(token))
	client := func(mods ...func(*aitu.Config)) *aitu.Client {
		return newClient(t, srv, append([]func(*aitu.Config){func(c *aitu.Config) { c.Logger = logger }}, mods...)...)
	}
	send := func(c *aitu.Client, ctx context.Context) {
		t.Helper()
		_, err := c.Send(ctx, "USER:"+userID, cardbot.Text{Body: "hi"})
		collect(err)
	}

	// Config errors.
	_, err := aitu.New(aitu.Config{Token: token + "\n"})
	collect(err)
	_, err = aitu.New(aitu.Config{Token: token, APIURL: "ftp://" + token})
	collect(err)
	_, err = aitu.New(aitu.Config{Token: token, APIURL: "https://x/?t=" + token})
	collect(err)

	c := client()
	// 401: another token.
	send(client(func(cfg *aitu.Config) { cfg.Token = token[:20] }), t.Context())
	// A server that echoes the token.
	srv.FailNextWith(1, aitutest.Failure{Status: 400, Body: "Token " + token + " is not allowed here"})
	send(c, t.Context())
	srv.FailNextWith(1, aitutest.Failure{Status: 401, Body: "FORBIDDEN " + token})
	send(c, t.Context())
	// Retries exhausted, logged at Debug, with the token in each body.
	srv.FailNextWith(10, aitutest.Failure{Status: 500, Body: "System error for " + token})
	send(c, t.Context())
	srv.Reset()
	srv.FailNext(10, 429, time.Hour)
	send(c, t.Context())
	srv.Reset()
	// Cancelled during the backoff.
	srv.FailNext(10, 503, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	send(client(func(cfg *aitu.Config) { cfg.MinBackoff, cfg.MaxBackoff = time.Second, time.Second }), ctx)
	cancel()
	srv.Reset()
	// No server at all.
	gone := aitutest.NewServer(aitutest.WithCredentials(token))
	goneCfg := gone.Config()
	gone.Close()
	goneCfg.Logger, goneCfg.MinBackoff, goneCfg.MaxBackoff = logger, time.Millisecond, time.Millisecond
	goneClient, err := aitu.New(goneCfg)
	require.NoError(t, err)
	send(goneClient, t.Context())
	// Downloads and webhook helpers.
	_, err = c.Download(t.Context(), cardbot.Document{ID: token})
	collect(err)
	collect(goneClient.SetWebhook(t.Context(), "https://bot.example.com/"+token))
	collect(c.SetWebhook(t.Context(), "ftp://bot.example.com/"+token))
	_, err = goneClient.GetWebhook(t.Context())
	collect(err)
	// The poller: failures logged, then a stop on 401.
	srv.FailNextWith(3, aitutest.Failure{Status: 502, Body: "bad gateway " + token})
	srv.FailNextWith(1, aitutest.Failure{Status: 401, Body: "Token is invalid: " + token})
	collect(aitu.NewPoller(c, &apitest.Recorder{}, fastPolling).Run(t.Context()))
	srv.FailNextWith(1, aitutest.Failure{Status: 400, Body: aitutest.WebhookSpecified + " " + token})
	collect(aitu.NewPoller(c, &apitest.Recorder{}, fastPolling).Run(t.Context()))

	leaks.Check(token)
	out := leaks.Log()
	assert.Contains(t, out, "aitu: retrying", "the retries were logged")
	assert.Contains(t, out, "aitu: polling failed", "the poller's failures were logged")
	assert.False(t, strings.Contains(out, http.CanonicalHeaderKey("x-bot-token")), "no headers in the logs")
}
