package greenapi_test

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
	"github.com/cardbot/cardbot/provider/greenapi"
)

const onceToken = "0f1e2d3c4b5a69788796a5b4c3d2e1f0aabbccddeeff0011"

func onceClient(t *testing.T, apiURL string, hc *http.Client, retrySends bool) *greenapi.Client {
	t.Helper()
	c, err := greenapi.New(greenapi.Config{
		APIURL: apiURL, IDInstance: "1101000001", APITokenInstance: onceToken,
		HTTPClient: hc, MaxRetries: 3, RetrySends: retrySends,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	return c
}

func sendHello(ctx context.Context, c *greenapi.Client) error {
	_, err := c.Send(ctx, "79001234567@c.us", cardbot.Text{Body: "hello"})
	return err
}

func askDownloadURL(ctx context.Context, c *greenapi.Client) error {
	_, err := c.Download(ctx, cardbot.Document{ID: "79001234567@c.us/BAE5F4886AC5A8E0"})
	return err
}

// TestSendAtMostOnce: a server that reads a send and then hangs or cuts
// the connection sees it exactly once, unless RetrySends is set; reads
// (downloadFile) are retried after the same failures.
func TestSendAtMostOnce(t *testing.T) {
	tests := []struct {
		name       string
		call       func(context.Context, *greenapi.Client) error
		retrySends bool
		want       int
	}{
		{"send", sendHello, false, 1},
		{"send with RetrySends", sendHello, true, 4},
		{"read", askDownloadURL, false, 4},
	}
	for _, mode := range []apitest.Mode{apitest.Hang, apitest.Cut} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/server %s", tt.name, mode), func(t *testing.T) {
				srv := apitest.NewMisbehaving(t, mode)
				c := onceClient(t, srv.URL, &http.Client{Timeout: 150 * time.Millisecond}, tt.retrySends)
				err := tt.call(t.Context(), c)
				require.ErrorIs(t, err, greenapi.ErrTransient)
				assert.True(t, cardbot.IsRetryable(err), "the webhook answers 503")
				assert.NotContains(t, err.Error(), onceToken)
				assert.Equal(t, tt.want, srv.Requests())
			})
		}
	}
}

// TestSendRetriedWhenNotSent: a send whose connection was refused never
// reached the API, so it is tried again.
func TestSendRetriedWhenNotSent(t *testing.T) {
	dc := apitest.NewDialCounter(time.Second)
	c := onceClient(t, apitest.RefusedURL(t), dc.Client, false)
	err := sendHello(t.Context(), c)
	require.ErrorIs(t, err, greenapi.ErrTransient)
	assert.Equal(t, 4, dc.Dials(), "the first attempt and MaxRetries more")
}

// TestDownloadHostNotFound: a download URL whose host does not exist
// fails at once, and is not retryable: no redelivery will find it.
func TestDownloadHostNotFound(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	r := &apitest.Resolver{}
	greenapi.SetDownloadResolver(c, r)
	_, err := c.Download(t.Context(), cardbot.Document{URL: "http://nxdomain.example.test/x.vcf"})
	require.Error(t, err)
	assert.False(t, cardbot.IsRetryable(err), "%v", err)
	assert.NotErrorIs(t, err, greenapi.ErrTransient)
	assert.Equal(t, 1, r.Lookups("nxdomain.example.test"), "not retried")
}
