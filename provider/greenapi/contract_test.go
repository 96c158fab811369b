package greenapi_test

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
	"github.com/cardbot/cardbot/provider/greenapi"
)

// TestContract runs the contract of every provider's client: no redirect
// followed, sends at most once, sends that never left retried.
func TestContract(t *testing.T) {
	const token = "0f1e2d3c4b5a69788796a5b4c3d2e1f0aabbccddeeff0011"
	providertest.Run(t, providertest.Harness[*greenapi.Client]{
		Token: token,
		New: func(t *testing.T, apiURL string, hc *http.Client, retrySends bool) *greenapi.Client {
			c, err := greenapi.New(greenapi.Config{
				APIURL: apiURL, IDInstance: "1101000001", APITokenInstance: token, HTTPClient: hc,
				MaxRetries: providertest.Retries, RetrySends: retrySends,
				MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Logger: slog.New(slog.DiscardHandler),
			})
			require.NoError(t, err)
			return c
		},
		Send: providertest.Call[*greenapi.Client]{Method: "sendMessage", Do: func(ctx context.Context, c *greenapi.Client) error {
			_, err := c.Send(ctx, "79001234567@c.us", cardbot.Text{Body: "hello"})
			return err
		}},
		Reads: []providertest.Call[*greenapi.Client]{{Method: "downloadFile", Do: func(ctx context.Context, c *greenapi.Client) error {
			_, err := c.Download(ctx, cardbot.Document{ID: "79001234567@c.us/BAE5F4886AC5A8E0"})
			return err
		}}},
		ErrRedirected: greenapi.ErrRedirected,
		ErrTransient:  greenapi.ErrTransient,
		Status: func(err error) (string, int, bool) {
			var ae *greenapi.APIError
			if !errors.As(err, &ae) {
				return "", 0, false
			}
			return ae.Method, ae.StatusCode, true
		},
	})
}
