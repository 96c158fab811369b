package apierr_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
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

type permanentErr struct{}

func (permanentErr) Error() string   { return "refused for good" }
func (permanentErr) Permanent() bool { return true }

func TestClassOf(t *testing.T) {
	tests := []struct {
		status int
		cause  error
		want   apierr.Class
	}{
		{0, errors.New("connection reset"), apierr.Transient},
		{0, fmt.Errorf("dial: %w", permanentErr{}), apierr.Permanent},
		{401, nil, apierr.Unauthorized},
		{403, nil, apierr.Unauthorized},
		{302, nil, apierr.Redirected},
		{307, nil, apierr.Redirected},
		{400, nil, apierr.Validation},
		{404, nil, apierr.NotFound},
		{409, nil, apierr.Conflict},
		{429, nil, apierr.RateLimited},
		{500, nil, apierr.Transient},
		{503, nil, apierr.Transient},
		{501, nil, apierr.Other},
		{499, nil, apierr.Other},
		{466, nil, apierr.Other},
		{405, nil, apierr.Other},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, " ", tt.cause), func(t *testing.T) {
			assert.Equal(t, tt.want, apierr.ClassOf(tt.status, tt.cause))
		})
	}
}

func TestRenderAndRefusals(t *testing.T) {
	named := func(int) string { return "Named" }
	assert.Equal(t, "p: m: 429 Named: slow (retry after 2s)",
		apierr.Render(apierr.Text{Provider: "p", Method: "m", Status: 429, Message: "slow"}, named, 2*time.Second))
	assert.Equal(t, "p: m: 404 Not Found",
		apierr.Render(apierr.Text{Provider: "p", Method: "m", Status: 404, Message: "Not Found"}, nil, 0))
	assert.Equal(t, "p: m: request failed: reset",
		apierr.Render(apierr.Text{Provider: "p", Method: "m", Message: "reset"}, nil, 0))

	errKind, errCause := errors.New("p: invalid"), errors.New("cause")
	refused, invalid := apierr.Refusals("p", errKind)
	err := refused("no number", errCause)
	assert.EqualError(t, err, "p: no number")
	assert.ErrorIs(t, err, errKind)
	assert.ErrorIs(t, err, errCause)
	err = invalid("text of %d characters", 5)
	assert.EqualError(t, err, "p: text of 5 characters")
	assert.ErrorIs(t, err, errKind)
}

func TestUnsendable(t *testing.T) {
	errKind := errors.New("p: invalid")
	_, invalid := apierr.Refusals("p", errKind)
	tests := []struct {
		name string
		out  any
		want string
	}{
		{"nil", nil, "p: send of a nil Outgoing"},
		{"another type", struct{ Body string }{}, "p: cannot send a struct { Body string }"},
		{"a nil pointer", (*permanentErr)(nil), "p: cannot send a *apierr_test.permanentErr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := apierr.Unsendable(invalid, tt.out)
			assert.EqualError(t, err, tt.want)
			assert.ErrorIs(t, err, errKind)
		})
	}
}
