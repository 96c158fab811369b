package apierr_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apierr"
)

func TestShorten(t *testing.T) {
	tests := []struct {
		name, in string
		wantLen  int
		cut      bool
	}{
		{"short", "  bad request \n", len("bad request"), false},
		{"exactly the bound", strings.Repeat("a", apierr.MaxMessage), apierr.MaxMessage, false},
		{"ASCII over the bound", strings.Repeat("a", 600), apierr.MaxMessage + len("…"), true},
		{"cut inside a rune", "a" + strings.Repeat("ж", 300), apierr.MaxMessage - 1 + len("…"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apierr.Shorten(tt.in)
			assert.Len(t, got, tt.wantLen)
			assert.True(t, utf8.ValidString(got))
			assert.Equal(t, tt.cut, strings.HasSuffix(got, "…"))
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name string
		text apierr.Text
		want string
	}{
		{"status and message", apierr.Text{Provider: "greenapi", Method: "sendMessage", Status: 400, StatusText: "Bad Request", Message: "chatId is wrong"},
			"greenapi: sendMessage: 400 Bad Request: chatId is wrong"},
		{"message equal to the status text", apierr.Text{Provider: "aitu", Method: "updates", Status: 404, StatusText: "Not Found", Message: "Not Found"},
			"aitu: updates: 404 Not Found"},
		{"a code other than the status", apierr.Text{Provider: "greenapi", Method: "sendMessage", Status: 200, StatusText: "OK", Code: 401, Message: "Unauthorized"},
			"greenapi: sendMessage: 200 OK (code 401): Unauthorized"},
		{"no response", apierr.Text{Provider: "aitu", Method: "download", Message: "connection refused"},
			"aitu: download: request failed: connection refused"},
		{"retry after", apierr.Text{Provider: "greenapi", Method: "sendMessage", Status: 429, StatusText: "Too Many Requests", RetryAfter: "2s"},
			"greenapi: sendMessage: 429 Too Many Requests (retry after 2s)"},
		{"a status without a name", apierr.Text{Provider: "aitu", Method: "updates", Status: 599},
			"aitu: updates: 599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.text.String())
		})
	}
}

func TestRefused(t *testing.T) {
	errKind := errors.New("request not valid")
	errCause := errors.New("no digits")
	err := error(&apierr.Refused{Provider: "greenapi", Kind: errKind, Msg: "contact: no number", Errs: []error{errCause}})
	assert.Equal(t, "greenapi: contact: no number", err.Error())
	assert.ErrorIs(t, err, errKind)
	assert.ErrorIs(t, err, errCause)
	assert.NotErrorIs(t, err, errors.New("request not valid"))
}

func TestRedirectMessage(t *testing.T) {
	tests := []struct {
		name, location, want string
	}{
		{"absolute", "https://files.example.test/waInstance1/sendMessage/secret-token?x=secret-token", "redirect not followed (to host files.example.test)"},
		{"with user info", "https://user:pass@evil.test/", "redirect not followed (to host evil.test)"},
		{"relative", "/elsewhere/secret-token", "redirect not followed (to host api.test)"},
		{"none", "", "redirect not followed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "https://api.test/x", nil)
			require.NoError(t, err)
			resp := &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: http.Header{}, Request: req}
			if tt.location != "" {
				resp.Header.Set("Location", tt.location)
			}
			got := apierr.RedirectMessage(resp)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "secret-token")
			assert.NotContains(t, got, "pass")
		})
	}
}
