package fakeapi_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

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
