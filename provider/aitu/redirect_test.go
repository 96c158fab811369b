package aitu_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
)

// TestRedirectNotFollowed: an API that answers 307 to another host gets a
// typed error back, and the other host gets no request (so no
// X-BOT-TOKEN), with the client's own HTTP client or the caller's, which
// stays as it was.
func TestRedirectNotFollowed(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	t.Cleanup(other.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(api.Close)

	calls := []struct {
		name   string
		method string
		call   func(context.Context, *aitu.Client) error
	}{
		{"send a text", "updates", func(ctx context.Context, c *aitu.Client) error {
			_, err := c.Send(ctx, "USER:"+userID, cardbot.Text{Body: "hello"})
			return err
		}},
		{"download", "download", func(ctx context.Context, c *aitu.Client) error {
			_, err := c.Download(ctx, cardbot.Document{ID: fileID})
			return err
		}},
		{"get the webhook", "webhook", func(ctx context.Context, c *aitu.Client) error {
			_, err := c.GetWebhook(ctx)
			return err
		}},
	}
	clients := []struct {
		name string
		hc   func() *http.Client
	}{
		{"default HTTP client", func() *http.Client { return nil }},
		{"caller's HTTP client", func() *http.Client { return &http.Client{Timeout: 5 * time.Second} }},
	}
	for _, cl := range clients {
		for _, tt := range calls {
			t.Run(cl.name+"/"+tt.name, func(t *testing.T) {
				hc := cl.hc()
				c, err := aitu.New(aitu.Config{
					BaseURL: api.URL, Token: hostileToken, HTTPClient: hc,
					MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
					Logger: slog.New(slog.DiscardHandler),
				})
				require.NoError(t, err)
				err = tt.call(t.Context(), c)
				require.ErrorIs(t, err, aitu.ErrRedirected)
				var ae *aitu.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.method, ae.Method)
				assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
				assert.False(t, cardbot.IsRetryable(err), "a redirect is not retried")
				assert.NotContains(t, err.Error(), hostileToken)
				assert.Contains(t, err.Error(), "redirect not followed (to host 127.0.0.1)")
				assert.Zero(t, reached.Load(), "the other host got nothing")
				if hc != nil {
					assert.Nil(t, hc.CheckRedirect, "the caller's client is not changed")
				}
			})
		}
	}
}
