package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func TestLoadConfigDelivery(t *testing.T) {
	tests := []struct {
		env       string
		want      string
		wantAsync bool
		wantErr   bool
	}{
		{env: "", want: "sync"},
		{env: "sync", want: "sync"},
		{env: "async", want: "async", wantAsync: true},
		{env: "ASYNC", wantErr: true},
		{env: "fast", wantErr: true},
	}
	for _, tt := range tests {
		t.Run("DELIVERY="+tt.env, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return map[string]string{"DELIVERY": tt.env}[k] })
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "want sync or async")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Delivery)
			assert.Equal(t, tt.wantAsync, c.async())
		})
	}
}

func TestBadDelivery(t *testing.T) {
	err := Run(context.Background(), func(k string) string {
		return map[string]string{"DELIVERY": "later", "ADDR": "127.0.0.1:0"}[k]
	}, slog.New(slog.DiscardHandler), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `DELIVERY "later"`)
}

func TestBadRegion(t *testing.T) {
	err := Run(context.Background(), func(k string) string {
		return map[string]string{"DEFAULT_REGION": "XX", "ADDR": "127.0.0.1:0"}[k]
	}, slog.New(slog.DiscardHandler), nil)
	require.ErrorIs(t, err, contactcard.ErrUnknownRegion)
	assert.Contains(t, err.Error(), `DEFAULT_REGION: contactcard: unknown region: "XX"`)
}

// With DELIVERY=async the webhook is answered once the update is queued;
// the answer follows, and a duplicate is still answered once.
func TestAsyncDelivery(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
	t.Cleanup(fake.Close)
	base := start(t, map[string]string{
		"GREENAPI_API_URL":            fake.URL,
		"GREENAPI_ID_INSTANCE":        fake.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
		"DELIVERY":                    "async",
	})
	hook := base + "/webhook/greenapi"
	chat := greenapitest.Incoming{ChatID: "79001234567@c.us"}

	// The provider answers slowly: the webhook's 200 comes before the send.
	fake.SetDelay(300 * time.Millisecond)
	_, err := fake.Push(context.Background(), hook, fake.IncomingText(chat, "one"))
	require.NoError(t, err)
	assert.Empty(t, fake.SentMessages(), "acknowledged before it was handled")
	require.Eventually(t, func() bool { return len(fake.SentMessages()) == 1 }, 10*time.Second, 5*time.Millisecond)
	fake.SetDelay(0)

	body := fake.IncomingText(chat, "two")
	for range 2 {
		_, err := fake.Push(context.Background(), hook, body)
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return len(fake.SentMessages()) >= 2 }, 10*time.Second, 5*time.Millisecond)
	time.Sleep(50 * time.Millisecond) // room for a doubled answer to show
	assert.Equal(t, []string{"one", "two"}, textsOf(greenapiReplies(fake)), "in order, each once")
}
