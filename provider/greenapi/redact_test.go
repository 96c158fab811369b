package greenapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestTokensNeverLeak drives every failure path with a logger at level
// Debug and asserts that neither the API token nor the webhook token is in
// any error string or log line.
func TestTokensNeverLeak(t *testing.T) {
	const (
		apiToken     = "d75b3a66374942c5b3c019c698abc2067e151558acbd412c"
		webhookToken = "whsec-4f1c2b9e8d7a6c5b"
	)
	leaks := apitest.NewLeaks(t)
	logger, collect := leaks.Logger, leaks.Collect
	srv := newServer(t, greenapitest.WithCredentials("1101000001", apiToken), greenapitest.WithWebhookToken(webhookToken))
	client := func(mods ...func(*greenapi.Config)) *greenapi.Client {
		return newClient(t, srv, append([]func(*greenapi.Config){func(c *greenapi.Config) { c.Logger = logger }}, mods...)...)
	}
	send := func(c *greenapi.Client, ctx context.Context) {
		t.Helper()
		_, err := c.Send(ctx, "79001234567@c.us", cardbot.Text{Body: "hi"})
		collect(err)
	}

	// Config errors.
	_, err := greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: apiToken + "/x"})
	collect(err)
	_, err = greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: apiToken, APIURL: "ftp://" + apiToken})
	collect(err)

	c := client()
	// 401: the request carries another token; 403: the right one.
	send(client(func(cfg *greenapi.Config) { cfg.APITokenInstance = apiToken[:20] }), t.Context())
	send(client(func(cfg *greenapi.Config) { cfg.IDInstance = "7" }), t.Context())
	// 200 with code 401.
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`})
	send(c, t.Context())
	// A server that echoes the path, token and all.
	srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: "Cannot POST /waInstance1101000001/sendMessage/" + apiToken})
	send(c, t.Context())
	srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"message":"bad token ` + apiToken + ` or ` + webhookToken + `"}`})
	send(c, t.Context())
	// Retries exhausted, logged at Debug.
	srv.FailNext(10, 500, 0)
	send(c, t.Context())
	srv.Reset()
	srv.FailNext(10, 429, time.Hour)
	send(c, t.Context())
	srv.Reset()
	srv.FailNext(1, 466, 0)
	send(c, t.Context())
	// Cancelled during the backoff.
	srv.FailNext(10, 503, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	send(client(func(cfg *greenapi.Config) { cfg.MinBackoff, cfg.MaxBackoff = time.Second, time.Second }), ctx)
	cancel()
	srv.Reset()
	// A timeout.
	srv.SetDelay(time.Second)
	send(client(func(cfg *greenapi.Config) {
		cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
		cfg.MaxRetries = 1
	}), t.Context())
	srv.SetDelay(0)
	// No server at all.
	gone := greenapitest.NewServer(greenapitest.WithCredentials("1101000001", apiToken))
	goneCfg := gone.Config()
	gone.Close()
	goneCfg.Logger, goneCfg.MinBackoff, goneCfg.MaxBackoff = logger, time.Millisecond, time.Millisecond
	goneClient, err := greenapi.New(goneCfg)
	require.NoError(t, err)
	send(goneClient, t.Context())
	// Downloads.
	_, err = c.Download(t.Context(), cardbot.Document{URL: srv.URL + "/files/" + apiToken})
	collect(err)
	_, err = c.Download(t.Context(), cardbot.Document{URL: "gopher://" + apiToken})
	collect(err)
	_, err = goneClient.Download(t.Context(), cardbot.Document{ID: "79001234567@c.us/" + apiToken})
	collect(err)
	// The poller: failures logged, then a stop on 401.
	srv.FailNext(3, 502, 0)
	srv.FailNext(1, 401, 0)
	collect(greenapi.NewPoller(c, &apitest.Recorder{}, fastPolling).Run(t.Context()))
	// Webhook verification.
	for _, h := range []string{"", "Bearer " + webhookToken[:10], "Bearer " + apiToken, webhookToken} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Authorization", h)
		collect(c.VerifyWebhook(r))
	}

	leaks.Check(apiToken, webhookToken)
	out := leaks.Log()
	assert.Contains(t, out, "greenapi: retrying", "the retries were logged")
	assert.Contains(t, out, "greenapi: polling failed", "the poller's failures were logged")
	assert.False(t, strings.Contains(out, "waInstance1101000001/"), "no URL in the logs")
}

// TestTokensNeverLeakMAX drives checkAccount and MAX's sendContact through
// their failures and asserts that no error or log line holds a token.
func TestTokensNeverLeakMAX(t *testing.T) {
	const (
		apiToken     = "7c0f3e5a9b2d4f6e8a1c3b5d7e9f0a2b4c6d8e0f1a3b5c7d"
		webhookToken = "whsec-max-9a8b7c6d5e4f"
	)
	leaks := apitest.NewLeaks(t)
	logger := leaks.Logger
	srv := newServer(t, greenapitest.WithMAX(), greenapitest.WithCredentials("3100000001", apiToken), greenapitest.WithWebhookToken(webhookToken))
	c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.Logger = logger })
	card := contactcard.Card{FormattedName: "Pyotr", Phones: []contactcard.Phone{{Number: "79001234568"}}}
	sendContact := func(c *greenapi.Client) {
		t.Helper()
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: card})
		leaks.Collect(err)
	}
	check := func(c *greenapi.Client, phone string) {
		t.Helper()
		_, err := c.CheckAccount(t.Context(), phone)
		leaks.Collect(err)
	}

	// A server that echoes the path, token and all, in a 400 and a 200.
	srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: "Cannot POST /v3/waInstance3100000001/checkAccount/" + apiToken})
	sendContact(c)
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"exist":true,"chatId":"` + apiToken + `"}`})
	check(c, "79001234567")
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized ` + webhookToken + `"}`})
	check(c, "79001234566")
	// Retries exhausted, logged at Debug.
	srv.FailNext(10, 500, 0)
	sendContact(c)
	srv.Reset()
	// 401 and 403.
	sendContact(newClient(t, srv, func(cfg *greenapi.Config) { cfg.APITokenInstance = apiToken[:20] }))
	sendContact(newClient(t, srv, func(cfg *greenapi.Config) { cfg.IDInstance = "7" }))
	// Not on MAX, a refused country, a number that does not parse.
	sendContact(c)
	check(c, "+44 7911 123456")
	check(c, "ivan")
	// No server at all.
	gone := greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithCredentials("3100000001", apiToken))
	goneCfg := gone.Config()
	gone.Close()
	goneCfg.Logger, goneCfg.MinBackoff, goneCfg.MaxBackoff = logger, time.Millisecond, time.Millisecond
	goneClient, err := greenapi.New(goneCfg)
	require.NoError(t, err)
	sendContact(goneClient)

	leaks.Check(apiToken, webhookToken)
	assert.Contains(t, leaks.Log(), "method=checkAccount", "the retries were logged")
}
