package fakeapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

func TestAnswerWrite(t *testing.T) {
	tests := []struct {
		name       string
		a          fakeapi.Answer
		body       string
		ctype      string
		retryAfter string
	}{
		{"JSON without HTML escaping", fakeapi.JSON(200, map[string]string{"a": "<b>"}), `{"a":"<b>"}`, fakeapi.ContentJSON, ""},
		{"text", fakeapi.Text(400, "bad"), "bad", fakeapi.ContentText, ""},
		{"Retry-After rounded up", fakeapi.Answer{Status: 429, RetryAfter: 1500 * time.Millisecond}, "", "", "2"},
		{"unencodable JSON", fakeapi.JSON(200, func() {}), "", fakeapi.ContentText, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.a.Write(w)
			assert.Equal(t, tt.a.Status, w.Code)
			if tt.body != "" {
				assert.Equal(t, tt.body, w.Body.String())
			}
			assert.Equal(t, tt.ctype, w.Header().Get("Content-Type"))
			assert.Equal(t, tt.retryAfter, w.Header().Get("Retry-After"))
		})
	}
}

// TestReadBody: a body up to MaxBody is read whole; one byte over is
// reported too large.
func TestReadBody(t *testing.T) {
	tests := []struct {
		name     string
		size     int
		tooLarge bool
	}{
		{"empty", 0, false},
		{"at MaxBody", fakeapi.MaxBody, false},
		{"over MaxBody", fakeapi.MaxBody + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", tt.size)))
			body, tooLarge, err := fakeapi.ReadBody(r)
			require.NoError(t, err)
			assert.Equal(t, tt.tooLarge, tooLarge)
			assert.Len(t, body, min(tt.size, fakeapi.MaxBody+1))
		})
	}
}
