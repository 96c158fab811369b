package benchhook_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/benchhook"
)

// TestBotHandlesEachWebhook checks what the benchmarks time: each
// Request reaches the handler (its distinct idMessage passes the bot's
// deduplication), the reply goes out and the webhook is answered 200,
// while a delivery again of the same Request stops at deduplication.
func TestBotHandlesEachWebhook(t *testing.T) {
	var texts []string
	h := benchhook.Bot(t, func(c *cardbot.Context) error {
		texts = append(texts, c.Text())
		return benchhook.Reply(c)
	})
	for _, id := range []int{1, 2, 3, 3} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, benchhook.Request(id))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}
	require.Len(t, texts, 3, "the second delivery of Request(3) is a duplicate")
	assert.Equal(t, "I use Green-API to send this message to you!", texts[0])
}

// TestBotRefusesAnotherToken: the webhook of a benchmark's bot is
// authenticated, as a production one is.
func TestBotRefusesAnotherToken(t *testing.T) {
	h := benchhook.Bot(t, benchhook.Reply)
	req := benchhook.Request(1)
	req.Header.Set("Authorization", "Bearer wrong")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
}

// TestTransportAnswersASend: the in-process transport answers as
// GREEN-API answers a send, and counts the request.
func TestTransportAnswersASend(t *testing.T) {
	var sends atomic.Int64
	c := &http.Client{Transport: benchhook.Transport{Sends: &sends}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://greenapi.invalid/sendMessage", http.NoBody)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, int64(1), sends.Load())
}
