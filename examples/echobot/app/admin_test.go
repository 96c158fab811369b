package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/store"
)

// GET /admin/deadletters?limit=N lists N at most, and DELETE drops one.
func TestAdminLimitAndDelete(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
	t.Cleanup(fake.Close)
	base, _ := run(t, map[string]string{
		"GREENAPI_API_URL":            fake.URL,
		"GREENAPI_ID_INSTANCE":        fake.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
		"DELIVERY":                    "async",
		"MAX_ATTEMPTS":                "1",
		"ADMIN_TOKEN":                 "admin-secret",
	})
	fake.FailNext(1000, http.StatusInternalServerError, 0) // the API is down
	for _, text := range []string{"one", "two"} {
		_, err := fake.Push(context.Background(), base+"/webhook/greenapi", fake.IncomingText(greenapitest.Incoming{ChatID: "79001234567@c.us"}, text))
		require.NoError(t, err)
	}
	var dead []deadLetterView
	require.Eventually(t, func() bool {
		_, dead = admin(t, http.MethodGet, base+"/admin/deadletters", "admin-secret")
		return len(dead) == 2
	}, 10*time.Second, 10*time.Millisecond)

	for _, tt := range []struct {
		query string
		code  int
		n     int
	}{
		{"?limit=1", http.StatusOK, 1},
		{"?limit=5", http.StatusOK, 2},
		{"?limit=0", http.StatusBadRequest, 0},
		{"?limit=many", http.StatusBadRequest, 0},
	} {
		code, got := admin(t, http.MethodGet, base+"/admin/deadletters"+tt.query, "admin-secret")
		assert.Equal(t, tt.code, code, tt.query)
		assert.Len(t, got, tt.n, tt.query)
	}

	code, _ := admin(t, http.MethodDelete, base+"/admin/deadletters/"+dead[0].ID, "admin-secret")
	assert.Equal(t, http.StatusNoContent, code)
	_, left := admin(t, http.MethodGet, base+"/admin/deadletters", "admin-secret")
	require.Len(t, left, 1)
	assert.Equal(t, dead[1].ID, left[0].ID)
}

// Each failure of a dead-letter call has its status; an unexpected one
// shows without the "cardbot: " of its text.
func TestAdminError(t *testing.T) {
	tests := []struct {
		err  error
		code int
		msg  string
	}{
		{fmt.Errorf("replay: %w", store.ErrNoDeadLetter), http.StatusNotFound, "no such dead letter"},
		{errNoQueue, http.StatusConflict, "DELIVERY=sync: the bot has no queue and no dead letters"},
		{fmt.Errorf("replay: %w", store.ErrQueueFull), http.StatusServiceUnavailable, "the queue is full; try again"},
		{errors.New("cardbot: store: connection refused"), http.StatusInternalServerError, "store: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			var he *echo.HTTPError
			require.ErrorAs(t, adminError(tt.err), &he)
			assert.Equal(t, tt.code, he.Code)
			assert.Equal(t, tt.msg, he.Message)
		})
	}
}
