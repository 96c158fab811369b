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
	"github.com/cardbot/cardbot/internal/providertest"
	"github.com/cardbot/cardbot/provider/aitu"
)

// TestContract runs the contract of every provider's client: no redirect
// followed (the download included, which carries the token), sends at
// most once, sends that never left retried.
func TestContract(t *testing.T) {
	type call = providertest.Call[*aitu.Client]
	providertest.Run(t, providertest.Harness[*aitu.Client]{
		Token: hostileToken,
		New: func(t *testing.T, baseURL string, hc *http.Client, retrySends bool) *aitu.Client {
			cfg := aitu.Config{APIURL: baseURL, Token: hostileToken, HTTPClient: hc, RetrySends: retrySends}
			cfg.MaxRetries, cfg.MinBackoff, cfg.MaxBackoff = providertest.Retries, time.Millisecond, time.Millisecond
			cfg.Logger = slog.New(slog.DiscardHandler)
			c, err := aitu.New(cfg)
			require.NoError(t, err)
			return c
		},
		Send: call{Method: "updates", Do: func(ctx context.Context, c *aitu.Client) error {
			_, err := c.Send(ctx, "USER:"+userID, cardbot.Text{Body: "hello"})
			return err
		}},
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
		ErrRedirected: aitu.ErrRedirected,
		ErrTransient:  aitu.ErrTransient,
		Status: func(err error) (method string, status int, ok bool) {
			var ae *aitu.APIError
			if ok = errors.As(err, &ae); ok {
				method, status = ae.Method, ae.StatusCode
			}
			return method, status, ok
		},
	})
}
