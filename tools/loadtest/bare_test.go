package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBareServer(t *testing.T) {
	b, err := startBare(nil)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.stop(context.Background())) })
	tests := []struct {
		name, method, url, body string
		want                    int
	}{
		{name: "GREEN-API webhook", method: http.MethodPost, url: b.hooks[onWhatsApp], body: `{"typeWebhook":"incomingMessageReceived"}`, want: http.StatusOK},
		{name: "MAX webhook", method: http.MethodPost, url: b.hooks[onMAX], body: `{"typeWebhook":"incomingMessageReceived"}`, want: http.StatusOK},
		{name: "Aitu webhook", method: http.MethodPost, url: b.hooks[onAitu], body: `{"updates":[]}`, want: http.StatusOK},
		{name: "not JSON", method: http.MethodPost, url: b.hooks[onWhatsApp], body: `{"typeWebhook":`, want: http.StatusBadRequest},
		{name: "over the limit", method: http.MethodPost, url: b.hooks[onAitu], body: `"` + strings.Repeat("x", bareLimit) + `"`, want: http.StatusRequestEntityTooLarge},
		{name: "GET", method: http.MethodGet, url: b.hooks[onWhatsApp], want: http.StatusMethodNotAllowed},
		{name: "another path", method: http.MethodPost, url: b.hooks[onWhatsApp] + "x", body: `{}`, want: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
	assert.Equal(t, int64(3), b.handled.Load())
}

func TestFloorFindsTheChat(t *testing.T) {
	decode := func(s string) any {
		var v any
		require.NoError(t, json.Unmarshal([]byte(s), &v))
		return v
	}
	tests := []struct {
		name, body string
		chat       string
		ok         bool
	}{
		{name: "WhatsApp", body: `{"senderData":{"chatId":"79001234567@c.us"}}`, chat: "79001234567@c.us", ok: true},
		{name: "MAX group", body: `{"senderData":{"chatId":"-10000000000002","sender":"10000002"}}`, chat: "-10000000000002", ok: true},
		{name: "no senderData", body: `{"typeWebhook":"stateInstanceChanged"}`},
		{name: "chatId not a string", body: `{"senderData":{"chatId":79001234567}}`},
		{name: "not an object", body: `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat, ok := greenapiChat(decode(tt.body))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.chat, chat)
		})
	}

	aituTests := []struct {
		name, body string
		peer       aituPeer
		ok         bool
	}{
		{name: "user", body: `{"updates":[{"type":"Message","dialog":{"type":"USER","id":"u-1"}}]}`, peer: aituPeer{Type: "USER", ID: "u-1"}, ok: true},
		{name: "first of two", body: `{"updates":[{"dialog":{"type":"GROUP","id":"g-1"}},{"dialog":{"type":"USER","id":"u-2"}}]}`, peer: aituPeer{Type: "GROUP", ID: "g-1"}, ok: true},
		{name: "no updates", body: `{"updates":[]}`},
		{name: "no dialog", body: `{"updates":[{"type":"Message"}]}`},
	}
	for _, tt := range aituTests {
		t.Run("aitu "+tt.name, func(t *testing.T) {
			peer, ok := aituDialog(decode(tt.body))
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.peer, peer)
			}
		})
	}
}
