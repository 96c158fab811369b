package app

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestRetriedContactsSentOnce: a .vcf of five cards, GREEN-API takes two
// sendContacts and then answers 500 once. The echobot answers 503; the
// redelivery reaches it after a restart (STORE=file) or the same process
// (memory), and each card reaches the chat once.
func TestRetriedContactsSentOnce(t *testing.T) {
	tests := []struct {
		name    string
		store   func(t *testing.T) string
		restart bool
	}{
		{"memory", func(*testing.T) string { return "" }, false},
		{"file, across a restart", func(t *testing.T) string { return "file:" + filepath.Join(t.TempDir(), "bot.db") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var self atomic.Pointer[greenapitest.Server]
			var n atomic.Int32
			fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"), greenapitest.WithPushRetry(1, time.Millisecond),
				greenapitest.WithSentHook(func(greenapitest.SentMessage) {
					if n.Add(1) == 2 {
						self.Load().FailNext(1, http.StatusInternalServerError, 0)
					}
				}))
			self.Store(fake)
			t.Cleanup(fake.Close)
			env := map[string]string{
				"GREENAPI_API_URL":            fake.URL,
				"GREENAPI_ID_INSTANCE":        fake.IDInstance,
				"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
				"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
				"STORE":                       tt.store(t),
			}
			var vcf strings.Builder
			for i := 1; i <= 5; i++ {
				fmt.Fprintf(&vcf, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card %d\r\nTEL:+7900123456%d\r\nEND:VCARD\r\n", i, i)
			}
			body := fake.IncomingDocument(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "five.vcf", "text/x-vcard", []byte(vcf.String()))

			base, stop := run(t, env)
			statuses, _ := fake.Push(context.Background(), base+"/webhook/greenapi", body)
			require.Equal(t, []int{http.StatusServiceUnavailable}, statuses)
			if tt.restart {
				stop()
				base, _ = run(t, env)
			}
			statuses, err := fake.Push(context.Background(), base+"/webhook/greenapi", body)
			require.NoError(t, err)
			assert.Equal(t, []int{http.StatusOK}, statuses)
			var phones []int64
			for _, m := range fake.SentMessages() {
				require.NotNil(t, m.Contact, "a text was sent: %q", m.Text)
				phones = append(phones, m.Contact.PhoneContact)
			}
			assert.Equal(t, []int64{79001234561, 79001234562, 79001234563, 79001234564, 79001234565}, phones)
		})
	}
}
