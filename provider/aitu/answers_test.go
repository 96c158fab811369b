package aitu_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/aitu"
)

// cannedClient returns a client of a server that answers every request
// with status, contentType and body, without retries.
func cannedClient(t *testing.T, status int, contentType, body string) *aitu.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	cfg := aitu.Config{APIURL: srv.URL + "/", Token: "51ae2e07-22e6-4460-8929-4aaf082127fa", MaxRetries: -1}
	cfg.MinBackoff, cfg.MaxBackoff, cfg.Logger = apitest.Quick()
	c, err := aitu.New(cfg)
	require.NoError(t, err)
	return c
}

// TestErrorBodyMessage: the message of an APIError is what the error body
// says, in each of the shapes Aitu's front ends send, else the whole body.
func TestErrorBodyMessage(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
		kind error
	}{
		{"message", `{"message":"Bot not found","error":"Not Found"}`, "Bot not found", aitu.ErrValidation},
		{"error as a string", `{"error":"Bad Request","status":400}`, "Bad Request", aitu.ErrValidation},
		{"error as an object", `{"error":{"code":7,"message":"content length should be <= 4096"}}`, "content length should be <= 4096", aitu.ErrValidation},
		{"description", `{"description":"Internal bot"}`, "Internal bot", aitu.ErrValidation},
		{"an object that says nothing", `{"status":400}`, `{"status":400}`, aitu.ErrValidation},
		{"a JSON string", `"Webhook is specified"`, "Webhook is specified", aitu.ErrWebhookSpecified},
		{"an unterminated JSON string", `"Webhook is`, `"Webhook is`, aitu.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cannedClient(t, http.StatusBadRequest, "application/json", tt.body)
			_, err := c.GetWebhook(t.Context())
			var ae *aitu.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
			assert.Equal(t, tt.want, ae.Message)
			assert.ErrorIs(t, err, tt.kind)
		})
	}
}

// TestGetWebhookAnswers: an empty answer means no webhook; an answer that
// is not JSON is an error, not "".
func TestGetWebhookAnswers(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		got, err := cannedClient(t, http.StatusOK, "application/json", " \n").GetWebhook(t.Context())
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("not JSON", func(t *testing.T) {
		got, err := cannedClient(t, http.StatusOK, "text/html", "<html>maintenance</html>").GetWebhook(t.Context())
		var ae *aitu.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusOK, ae.StatusCode)
		assert.Contains(t, ae.Message, "unexpected response: <html>maintenance</html>")
		assert.Empty(t, got)
	})
}

// TestSendKeepsOnlyJSONAsRaw: a send's Raw is the answer when it is JSON,
// and nil when it is not.
func TestSendKeepsOnlyJSONAsRaw(t *testing.T) {
	tests := []struct {
		name, body, raw string
	}{
		{"an object", ` {"ok":true} `, `{"ok":true}`},
		{"an array", `[1]`, `[1]`},
		{"text", `OK`, ""},
		{"empty", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cannedClient(t, http.StatusOK, "text/plain", tt.body)
			sent, err := c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: "hi"})
			require.NoError(t, err)
			assert.NotEmpty(t, sent.ID, "the localId")
			if tt.raw == "" {
				assert.Nil(t, sent.Raw)
			} else {
				assert.JSONEq(t, tt.raw, string(sent.Raw))
			}
		})
	}
}
