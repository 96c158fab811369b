package aitu_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/providertest"
	"github.com/cardbot/cardbot/store"
)

// apiToken is the token of the contract's clients and fakes.
const apiToken = "51ae2e07-22e6-4460-8929-4aaf082127fa"

// TestContract runs the contract of every provider's client: no redirect
// followed (the download included, which carries the token), sends at
// most once, sends that never left retried, failures of the same kinds,
// hostile downloads refused, no token leaked, pollers that hand on each
// update until it is handled. Aitu's downloads go through its API, which
// the token goes with, so every redirect of one is refused.
func TestContract(t *testing.T) {
	type call = providertest.Call[*aitu.Client]
	refused := map[string]error{}
	for _, kind := range providertest.Redirecting {
		refused[kind] = aitu.ErrRedirected
	}
	providertest.Run(t, providertest.Harness[*aitu.Client]{
		Token: apiToken,
		New:   contractClient,
		Serve: func(t *testing.T) providertest.Fake {
			srv := newServer(t, aitutest.WithCredentials(apiToken), aitutest.WithMaxPollWait(5*time.Millisecond))
			return providertest.Fake{
				URL:   srv.URL,
				Fail:  func(n int, f providertest.Failure) { srv.FailNextWith(n, aitutest.Failure(f)) },
				Reset: srv.Reset,
				Calls: func() []time.Time {
					var out []time.Time
					for _, c := range srv.Calls() {
						out = append(out, c.Time)
					}
					return out
				},
				Sent:    func() int { return len(srv.SentMessages()) },
				Enqueue: func(text string) { srv.Enqueue(srv.IncomingText(aitutest.Incoming{}, text)) },
				Pending: srv.Pending,
			}
		},
		Chat: "USER:" + userID,
		Send: call{Method: "updates", Do: func(ctx context.Context, c *aitu.Client) error {
			_, err := c.Send(ctx, "USER:"+userID, cardbot.Text{Body: "hello"})
			return err
		}},
		SendFile: func(ctx context.Context, c *aitu.Client, chat string, f cardbot.File) error {
			_, err := c.Send(ctx, chat, f)
			return err
		},
		Refusals:   refusedFiles,
		FileMethod: "upload",
		Reads: []call{
			{Method: "webhook", Do: func(ctx context.Context, c *aitu.Client) error {
				_, err := c.GetWebhook(ctx)
				return err
			}},
			{Method: "download", Do: func(ctx context.Context, c *aitu.Client) error {
				_, err := c.Download(ctx, cardbot.Document{ID: fileID})
				return err
			}},
		},
		Errors: providertest.Errors{
			Redirected: aitu.ErrRedirected, Transient: aitu.ErrTransient, Unauthorized: aitu.ErrUnauthorized,
			Validation: aitu.ErrValidation, RateLimited: aitu.ErrRateLimited,
		},
		Status: func(err error) (method string, status int, ok bool) {
			var ae *aitu.APIError
			if ok = errors.As(err, &ae); ok {
				method, status = ae.Method, ae.StatusCode
			}
			return method, status, ok
		},
		Poll: func(c *aitu.Client, d cardbot.Dispatcher, locker store.Locker) func(context.Context) error {
			opts := fastPolling
			opts.Locker, opts.LeaseTTL = locker, providertest.LeaseTTL
			return aitu.NewPoller(c, d, opts).Run
		},
		Hostile: providertest.Hostile{
			Document: func(_, kind string) cardbot.Document { return cardbot.Document{ID: kind} },
			Kind:     func(r *http.Request) string { return r.URL.Query().Get("fileId") },
			Refused:  refused,
		},
		Leaks:    leaksOfAitu,
		Unlogged: []string{http.CanonicalHeaderKey("x-bot-token")},
	})
}

// contractClient is a client as the contract asks for one.
func contractClient(t *testing.T, o providertest.Options) *aitu.Client {
	t.Helper()
	c, err := aitu.New(aitu.Config{
		APIURL: o.APIURL, Token: o.Token, HTTPClient: o.HTTPClient, RetrySends: o.RetrySends,
		MaxRetries: providertest.Retries, MinBackoff: o.MinBackoff, MaxBackoff: o.MaxBackoff,
		DownloadTimeout: o.DownloadTimeout, MaxFileSize: o.MaxFileSize, Logger: o.Logger,
	})
	require.NoError(t, err)
	aitu.SetDownloadResolver(c, providertest.Resolver())
	return c
}

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
