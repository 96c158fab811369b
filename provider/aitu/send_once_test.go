package aitu_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
)

// TestSendAtMostOnce: a server that reads a send and then hangs or cuts
// the connection sees it exactly once, unless RetrySends is set; reads
// (GET webhook/) are retried after the same failures, and a send whose
// connection was refused, which never reached the API, is too.
func TestSendAtMostOnce(t *testing.T) {
	send := func(ctx context.Context, c *aitu.Client) error {
		_, err := c.Send(ctx, "USER:"+userID, cardbot.Text{Body: "hello"})
		return err
	}
	read := func(ctx context.Context, c *aitu.Client) error {
		_, err := c.GetWebhook(ctx)
		return err
	}
	newClient := func(t *testing.T, baseURL string, hc *http.Client, retrySends bool) *aitu.Client {
		c, err := aitu.New(aitu.Config{
			BaseURL: baseURL, Token: hostileToken, HTTPClient: hc, MaxRetries: 3, RetrySends: retrySends,
			MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		})
		require.NoError(t, err)
		return c
	}
	tests := []struct {
		name       string
		call       func(context.Context, *aitu.Client) error
		retrySends bool
		want       int
	}{
		{"send", send, false, 1},
		{"send with RetrySends", send, true, 4},
		{"read", read, false, 4},
	}
	for _, mode := range []apitest.Mode{apitest.Hang, apitest.Cut} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/server %s", tt.name, mode), func(t *testing.T) {
				srv := apitest.NewMisbehaving(t, mode)
				c := newClient(t, srv.URL, &http.Client{Timeout: 150 * time.Millisecond}, tt.retrySends)
				err := tt.call(t.Context(), c)
				require.ErrorIs(t, err, aitu.ErrTransient)
				assert.True(t, cardbot.IsRetryable(err))
				assert.Equal(t, tt.want, srv.Requests())
			})
		}
	}
	t.Run("send/connection refused", func(t *testing.T) {
		dc := apitest.NewDialCounter(time.Second)
		err := send(t.Context(), newClient(t, apitest.RefusedURL(t), dc.Client, false))
		require.ErrorIs(t, err, aitu.ErrTransient)
		assert.Equal(t, 4, dc.Dials(), "the first attempt and MaxRetries more")
	})
}
