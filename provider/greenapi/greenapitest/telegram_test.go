package greenapitest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// post sends body to method of srv and returns the status and the body.
func post(t *testing.T, srv *greenapitest.Server, method, body string) (int, string) {
	t.Helper()
	u := srv.URL + "/waInstance" + srv.IDInstance + "/" + method + "/" + srv.Token
	resp, err := srv.Client().Post(u, "application/json", bytes.NewBufferString(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestTelegramRefusesWhatTheDocsRefuse: the Telegram instance takes
// numeric chat ids and Telegram's contact object, and nothing else.
func TestTelegramRefusesWhatTheDocsRefuse(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		want   int
	}{
		{"private chat", "sendMessage", `{"chatId":"10000000","message":"hi"}`, 200},
		{"group chat", "sendMessage", `{"chatId":"-10000000000000","message":"hi"}`, 200},
		{"phone number", "sendMessage", `{"chatId":"79001234567@c.us","message":"hi"}`, 200},
		{"non-numeric chat id", "sendMessage", `{"chatId":"ivan","message":"hi"}`, 400},
		{"WhatsApp group id", "sendMessage", `{"chatId":"120363043968066561@g.us","message":"hi"}`, 400},
		{"@lid id", "sendMessage", `{"chatId":"12345678901@lid","message":"hi"}`, 400},
		{"text over 4096", "sendMessage", `{"chatId":"10000000","message":"` + string(bytes.Repeat([]byte("a"), 4097)) + `"}`, 400},
		{"contact", "sendContact", `{"chatId":"10000000","contact":{"phoneContact":79001234569,"firstName":"Ivan","lastName":"T","company":"K"}}`, 200},
		{"contact without firstName", "sendContact", `{"chatId":"10000000","contact":{"phoneContact":79001234569,"lastName":"Tsarevich"}}`, 400},
		{"contact with a blank firstName", "sendContact", `{"chatId":"10000000","contact":{"phoneContact":79001234569,"firstName":" "}}`, 400},
		{"contact with middleName", "sendContact", `{"chatId":"10000000","contact":{"phoneContact":79001234569,"firstName":"Ivan","middleName":"P"}}`, 400},
		{"contact with a string phone", "sendContact", `{"chatId":"10000000","contact":{"phoneContact":"79001234569","firstName":"Ivan"}}`, 400},
		{"contact by MAX chat id", "sendContact", `{"chatId":"10000000","contact":{"chatId":"10000001"}}`, 400},
		{"checkAccount is MAX's", "checkAccount", `{"phoneNumber":79001234567}`, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := greenapitest.NewServer(greenapitest.WithTelegram())
			defer srv.Close()
			status, body := post(t, srv, tt.method, tt.body)
			assert.Equal(t, tt.want, status, body)
			if tt.want == 200 {
				assert.Len(t, srv.SentMessages(), 1)
			} else {
				assert.Empty(t, srv.SentMessages())
			}
		})
	}
}

func TestTelegramNotifications(t *testing.T) {
	srv := greenapitest.NewServer(greenapitest.WithTelegram())
	defer srv.Close()
	var n struct {
		InstanceData struct {
			TypeInstance string `json:"typeInstance"`
		} `json:"instanceData"`
		SenderData  map[string]any `json:"senderData"`
		MessageData struct {
			ContactMessageData map[string]any `json:"contactMessageData"`
		} `json:"messageData"`
	}
	body := srv.IncomingTelegramContact(greenapitest.Incoming{ChatID: "10000000", SenderPhone: "79876543210"}, "Ivan", "Tsarevich", "79001234569", "10000001")
	require.NoError(t, json.Unmarshal(body, &n))
	assert.Equal(t, "telegram", n.InstanceData.TypeInstance)
	assert.Equal(t, "10000000", n.SenderData["sender"])
	assert.InDelta(t, 79876543210, n.SenderData["senderPhoneNumber"], 0)
	assert.Equal(t, map[string]any{"phoneContact": "79001234569", "firstName": "Ivan", "lastName": "Tsarevich", "vcard": "",
		"chatId": "10000001", "forwardingScore": float64(0), "isForwarded": false}, n.MessageData.ContactMessageData)
	assert.Equal(t, "telegram", srv.Config().Messenger.TypeInstance())
	assert.Empty(t, srv.Config().PathPrefix)
}

func TestSetSettingsChecks(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"webhook", `{"webhookUrl":"https://bot.example.com/hook","webhookUrlToken":"t","incomingWebhook":"yes"}`, 200},
		{"clear", `{"webhookUrl":"","webhookUrlToken":""}`, 200},
		{"not a URL", `{"webhookUrl":"bot.example.com/hook"}`, 400},
		{"a switch not yes or no", `{"incomingWebhook":true}`, 400},
		{"an unknown setting", `{"webhookURL":"https://bot.example.com/hook"}`, 400},
		{"token not a string", `{"webhookUrlToken":1}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := greenapitest.NewServer()
			defer srv.Close()
			status, body := post(t, srv, "setSettings", tt.body)
			assert.Equal(t, tt.want, status, body)
			if tt.want == http.StatusOK {
				assert.JSONEq(t, `{"saveSettings":true}`, body)
				assert.Equal(t, 1, srv.Settings().Calls)
			} else {
				assert.Equal(t, 0, srv.Settings().Calls)
			}
		})
	}
}
