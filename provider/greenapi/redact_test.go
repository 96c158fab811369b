package greenapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// leaksOfGreenAPI drives the failure paths of GREEN-API's own for the
// contract's check that neither the API token nor the webhook token leaks:
// the config's, a 403 of another instance, a 200 with code 401, a 466,
// answers that echo the path or both tokens, a timeout, downloads whose
// URLs hold a token, and the webhook's verification.
func leaksOfGreenAPI(t *testing.T, logger *slog.Logger, collect func(error)) {
	_, err := greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: apiToken + "/x"})
	collect(err)
	_, err = greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: apiToken, APIURL: "ftp://" + apiToken})
	collect(err)

	srv := newServer(t, greenapitest.WithCredentials(instance, apiToken), greenapitest.WithWebhookToken(webhookToken))
	client := func(mods ...func(*greenapi.Config)) *greenapi.Client {
		return newClient(t, srv, append([]func(*greenapi.Config){func(c *greenapi.Config) { c.Logger = logger }}, mods...)...)
	}
	send := func(c *greenapi.Client) {
		t.Helper()
		_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: "hi"})
		collect(err)
	}
	c := client()
	send(client(func(cfg *greenapi.Config) { cfg.IDInstance = "7" }))
	for _, f := range []greenapitest.Failure{
		{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`},
		{Status: 400, Body: "Cannot POST /waInstance" + instance + "/sendMessage/" + apiToken},
		{Status: 400, Body: `{"message":"bad token ` + apiToken + ` or ` + webhookToken + `"}`},
		{Status: 466},
	} {
		srv.FailNextWith(1, f)
		send(c)
	}
	srv.SetDelay(time.Second)
	send(client(func(cfg *greenapi.Config) {
		cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
		cfg.MaxRetries = 1
	}))
	srv.SetDelay(0)

	public := client(func(cfg *greenapi.Config) { cfg.APIURL = "https://api.green-api.com" })
	greenapi.SetDownloadResolver(public, publicAPI)
	for _, d := range []struct {
		c   *greenapi.Client
		url string
	}{
		{c, srv.URL + "/files/" + apiToken},
		{c, "gopher://" + apiToken},
		{c, srv.URL + "/" + apiToken + "/404"},
		{public, "file:///" + apiToken},
		{public, "ftp://" + webhookToken + "@127.0.0.1/"},
		{public, srv.URL + "/" + apiToken + ".vcf"}, // loopback, public API
		{public, "http://10.0.0.1/" + apiToken + "/x.vcf"},
	} {
		_, err := d.c.Download(t.Context(), cardbot.Document{URL: d.url, FileName: "x.vcf"})
		collect(err)
	}

	for _, h := range []string{"", "Bearer " + webhookToken[:10], "Bearer " + apiToken, webhookToken} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Authorization", h)
		collect(c.VerifyWebhook(r))
	}
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
