package greenapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/provider/providertest"
	"github.com/cardbot/cardbot/store"
)

// The credentials of the contract's clients and fakes.
const (
	instance     = "1101000001"
	apiToken     = "d75b3a66374942c5b3c019c698abc2067e151558acbd412c"
	webhookToken = "whsec-4f1c2b9e8d7a6c5b"
)

// TestContract runs the contract of every provider's client: no redirect
// followed, sends at most once, sends that never left retried, failures
// of the same kinds, hostile downloads refused, no token leaked, pollers
// that hand on each update until it is handled. A download's URL comes
// from a webhook and holds no token, so its redirects are followed, each
// checked. It runs on a WhatsApp and on a Telegram instance.
func TestContract(t *testing.T) {
	t.Parallel()
	kinds := []struct {
		messenger greenapi.Messenger
		opts      []greenapitest.Option
		chat      string
	}{
		{greenapi.WhatsApp, nil, "79001234567@c.us"},
		{greenapi.Telegram, []greenapitest.Option{greenapitest.WithTelegram()}, "-10000000000000"},
	}
	for _, k := range kinds {
		t.Run(k.messenger.String(), func(t *testing.T) {
			t.Parallel() // a client and fake of its own; the suite mostly waits (retries, Retry-After, hangs)
			contract(t, k.messenger, k.chat, k.opts...)
		})
	}
}

// contract runs the providers' contract on a client of messenger m and a
// fake playing it, chat being a chat of that messenger.
func contract(t *testing.T, m greenapi.Messenger, chat string, opts ...greenapitest.Option) {
	type call = providertest.Call[*greenapi.Client]
	providertest.Run(t, providertest.Harness[*greenapi.Client]{
		Token: apiToken,
		New:   func(t *testing.T, o providertest.Options) *greenapi.Client { return contractClient(t, m, o) },
		Serve: func(t *testing.T) providertest.Fake {
			srv := newServer(t, append(opts, greenapitest.WithCredentials(instance, apiToken), greenapitest.WithWebhookToken(webhookToken),
				greenapitest.WithMaxReceiveWait(10*time.Millisecond))...)
			return providertest.Fake{
				URL: srv.URL,
				Fail: func(n int, f providertest.Failure) {
					srv.FailNextWith(n, greenapitest.Failure{Status: f.Status, RetryAfter: f.RetryAfter, Body: f.Body})
				},
				Reset: srv.Reset,
				Calls: func() []time.Time {
					var out []time.Time
					for _, c := range srv.Calls() {
						out = append(out, c.Time)
					}
					return out
				},
				Sent:    func() int { return len(srv.SentMessages()) },
				Enqueue: func(text string) { srv.Enqueue(srv.IncomingText(greenapitest.Incoming{ChatID: chat}, text)) },
				Pending: srv.Pending,
			}
		},
		Chat: chat,
		Send: call{Method: "sendMessage", Do: func(ctx context.Context, c *greenapi.Client) error {
			_, err := c.Send(ctx, chat, cardbot.Text{Body: "hello"})
			return err
		}},
		SendFile: func(ctx context.Context, c *greenapi.Client, chat string, f cardbot.File) error {
			_, err := c.Send(ctx, chat, f)
			return err
		},
		Refusals:   refusedFiles,
		FileMethod: "sendFileByUpload",
		Reads: []call{{Method: "downloadFile", Do: func(ctx context.Context, c *greenapi.Client) error {
			_, err := c.Download(ctx, cardbot.Document{ID: chat + "/BAE5F4886AC5A8E0"})
			return err
		}}},
		Errors: providertest.Errors{
			Redirected: greenapi.ErrRedirected, Transient: greenapi.ErrTransient, Unauthorized: greenapi.ErrUnauthorized,
			Validation: greenapi.ErrValidation, RateLimited: greenapi.ErrRateLimited,
		},
		Status: func(err error) (string, int, bool) {
			var ae *greenapi.APIError
			if !errors.As(err, &ae) {
				return "", 0, false
			}
			return ae.Method, ae.StatusCode, true
		},
		Poll: func(c *greenapi.Client, d cardbot.Dispatcher, locker store.Locker) func(context.Context) error {
			opts := fastPolling
			opts.Locker, opts.LeaseTTL = locker, providertest.LeaseTTL
			return greenapi.NewPoller(c, d, opts).Run
		},
		Hostile: providertest.Hostile{
			Document: func(url, kind string) cardbot.Document { return cardbot.Document{URL: url + "/" + kind} },
			Kind:     func(r *http.Request) string { return strings.TrimPrefix(r.URL.Path, "/") },
			Refused: map[string]error{
				"loop": cardbot.ErrTooManyRedirects, "private": cardbot.ErrUnsafeURL,
				"metadata": cardbot.ErrUnsafeURL, "scheme": cardbot.ErrUnsafeURL,
			},
			Follows: true,
		},
		Leaks:    leaksOfGreenAPI,
		Secrets:  []string{webhookToken},
		Unlogged: []string{"waInstance" + instance + "/"},
	})
}

// contractClient is a client of messenger m as the contract asks for one.
// It is named "greenapi" on every messenger, the prefix of the package's
// log lines, which the contract looks for under the client's name.
func contractClient(t *testing.T, m greenapi.Messenger, o providertest.Options) *greenapi.Client {
	t.Helper()
	c, err := greenapi.New(greenapi.Config{
		Messenger: m, Name: "greenapi", APIURL: o.APIURL, IDInstance: instance, APITokenInstance: o.Token, WebhookToken: webhookToken,
		HTTPClient: o.HTTPClient, RetrySends: o.RetrySends,
		MaxRetries: providertest.Retries, MinBackoff: o.MinBackoff, MaxBackoff: o.MaxBackoff,
		DownloadTimeout: o.DownloadTimeout, MaxFileSize: o.MaxFileSize, Logger: o.Logger,
	})
	require.NoError(t, err)
	greenapi.SetDownloadResolver(c, providertest.Resolver())
	return c
}

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
