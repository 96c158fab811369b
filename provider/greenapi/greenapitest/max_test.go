package greenapitest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func maxAPI(s *greenapitest.Server, method string) string {
	return s.URL + "/v3/waInstance" + s.IDInstance + "/" + method + "/" + s.Token
}

func TestMAXValidation(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		status int
		msg    string // in the body
	}{
		{"text", "sendMessage", `{"chatId":"10000000","message":"hi"}`, 200, "idMessage"},
		{"text to a group", "sendMessage", `{"chatId":"-10000000000000","message":"hi"}`, 200, "idMessage"},
		{"text to phone digits", "sendMessage", `{"chatId":"79001234567","message":"hi"}`, 200, "idMessage"},
		{"text with typingTime", "sendMessage", `{"chatId":"10000000","message":"hi","typingTime":1000}`, 200, "idMessage"},
		{"typingTime too short", "sendMessage", `{"chatId":"10000000","message":"hi","typingTime":999}`, 400, "typingTime"},
		{"typingTime too long", "sendMessage", `{"chatId":"10000000","message":"hi","typingTime":20001}`, 400, "typingTime"},
		{"typingTime a string", "sendMessage", `{"chatId":"10000000","message":"hi","typingTime":"2000"}`, 400, "typingTime"},
		{"WhatsApp chat id", "sendMessage", `{"chatId":"79001234567@c.us","message":"hi"}`, 400, "MAX chat id"},
		{"chat id with letters", "sendMessage", `{"chatId":"1000a","message":"hi"}`, 400, "MAX chat id"},
		{"chat id zero", "sendMessage", `{"chatId":"0","message":"hi"}`, 400, "MAX chat id"},
		{"text of 4000", "sendMessage", `{"chatId":"10000000","message":"` + strings.Repeat("я", 4000) + `"}`, 200, "idMessage"},
		{"text of 4001", "sendMessage", `{"chatId":"10000000","message":"` + strings.Repeat("я", 4001) + `"}`, 400, "4000"},
		{"contact", "sendContact", `{"chatId":"10000000","contact":{"chatId":"10000001"}}`, 200, "idMessage"},
		{"contact to a group, typing", "sendContact", `{"chatId":"-10000000000000","contact":{"chatId":"10000001"},"typingTime":20000}`, 200, "idMessage"},
		{"no contact", "sendContact", `{"chatId":"10000000"}`, 400, "'contact' is required"},
		{"no contact chatId", "sendContact", `{"chatId":"10000000","contact":{}}`, 400, "'contact.chatId' is required"},
		{"contact chatId a number", "sendContact", `{"chatId":"10000000","contact":{"chatId":10000001}}`, 400, "must be a string"},
		{"contact is a group", "sendContact", `{"chatId":"10000000","contact":{"chatId":"-10000000000000"}}`, 400, "person's MAX chat id"},
		{"WhatsApp's contact", "sendContact", `{"chatId":"10000000","contact":{"phoneContact":79001234568,"firstName":"A"}}`, 400, "'contact.phoneContact' is not allowed"},
		{"phone beside the chat id", "sendContact", `{"chatId":"10000000","contact":{"chatId":"10000001","phoneContact":79001234568}}`, 400, "not allowed"},
		{"quote", "sendContact", `{"chatId":"10000000","contact":{"chatId":"10000001"},"quotedMessageId":"1"}`, 400, "quotedMessageId"},
		{"contact not an object", "sendContact", `{"chatId":"10000000","contact":["10000001"]}`, 400, "'contact' must be an object"},
		{"contact typingTime too short", "sendContact", `{"chatId":"10000000","contact":{"chatId":"10000001"},"typingTime":10}`, 400, "typingTime"},
		{"contact not in the contact base", "sendContact", `{"chatId":"10000000","contact":{"chatId":"10000002"}}`, 400, "not in the instance's contacts"},
		{"checkAccount body not JSON", "checkAccount", `{"phoneNumber":`, 400, "Unexpected token in JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, greenapitest.WithMAX())
			s.AddMAXContact("79001234568", "10000001", "Pyotr")
			status, _, body := do(t, http.MethodPost, maxAPI(s, tt.method), tt.body)
			assert.Equal(t, tt.status, status)
			assert.Contains(t, body, tt.msg)
			if tt.status == 200 {
				require.Len(t, s.SentMessages(), 1)
				assert.Regexp(t, `^\d+$`, s.SentMessages()[0].ID, "MAX message ids are numbers")
			} else {
				assert.Empty(t, s.SentMessages())
			}
		})
	}

	t.Run("no /v3 prefix", func(t *testing.T) {
		s := newServer(t, greenapitest.WithMAX())
		status, _, _ := do(t, http.MethodPost, api(s, "sendMessage"), `{"chatId":"10000000","message":"hi"}`)
		assert.Equal(t, 404, status)
	})
}

func TestMAXCheckAccount(t *testing.T) {
	s := newServer(t, greenapitest.WithMAX())
	s.AddMAXAccount("79001234568", "10000001")
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"on MAX", `{"phoneNumber":79001234568,"force":false}`, 200, `{"exist":true,"chatId":"10000001"}`},
		{"not on MAX", `{"phoneNumber":79001234569}`, 200, `{"exist":false,"chatId":""}`},
		{"Belarus", `{"phoneNumber":375291234567,"force":true}`, 200, `{"exist":false,"chatId":""}`},
		{"a string", `{"phoneNumber":"79001234568"}`, 400, ""},
		{"another country", `{"phoneNumber":447911123456}`, 400, ""},
		{"10 digits", `{"phoneNumber":9001234568}`, 400, ""},
		{"no number", `{}`, 400, ""},
		{"force not a boolean", `{"phoneNumber":79001234568,"force":1}`, 400, ""},
	}
	for _, tt := range tests {
		status, _, body := do(t, http.MethodPost, maxAPI(s, "checkAccount"), tt.body)
		assert.Equal(t, tt.status, status, tt.name)
		if tt.want != "" {
			assert.JSONEq(t, tt.want, body, tt.name)
		} else {
			assert.Contains(t, body, "Validation failed", tt.name)
		}
	}
	assert.Equal(t, len(tests), s.CheckAccountCalls())
	s.Reset()
	assert.Equal(t, 0, s.CheckAccountCalls())

	t.Run("WhatsApp has no checkAccount", func(t *testing.T) {
		wa := newServer(t)
		status, _, _ := do(t, http.MethodPost, api(wa, "checkAccount"), `{"phoneNumber":79001234568}`)
		assert.Equal(t, 404, status)
		assert.Equal(t, 0, wa.CheckAccountCalls())
	})
}

func TestMAXConfigAndNotifications(t *testing.T) {
	s := newServer(t, greenapitest.WithMAX())
	cfg := s.Config()
	assert.Equal(t, greenapi.MAX, cfg.Messenger)
	assert.Equal(t, "/v3", cfg.PathPrefix)
	c, err := greenapi.New(cfg)
	require.NoError(t, err)

	in := greenapitest.Incoming{ChatID: "10000000", SenderName: "Ivan", SenderPhone: "79991112233"}
	ups, err := c.DecodeWebhook(s.IncomingText(in, "/start"))
	require.NoError(t, err)
	u := ups[0]
	assert.Equal(t, "max", u.Provider)
	assert.Equal(t, cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Ivan"}, u.Chat)
	assert.Equal(t, cardbot.User{ID: "10000000", Name: "Ivan", Phone: "79991112233"}, u.Sender)
	assert.Contains(t, string(u.Raw), `"typeInstance":"v3"`)
	assert.Contains(t, string(u.Raw), `"senderPhoneNumber":79991112233`)
	// A phone that is not bare digits stays a string.
	plus := in
	plus.SenderPhone = "+7 999 111-22-33"
	assert.Contains(t, string(s.IncomingText(plus, "hi")), `"senderPhoneNumber":"+7 999 111-22-33"`)

	ups, err = c.DecodeWebhook(s.IncomingMAXContact(in, "Pyotr", "10000001", "79991112234"))
	require.NoError(t, err)
	assert.Equal(t, []cardbot.VCardRef{{DisplayName: "Pyotr", Phone: "+79991112234",
		Accounts: map[string]string{contactcard.MessengerMAX: "10000001"}}}, ups[0].Message.Contacts)
	assert.Contains(t, string(ups[0].Raw), `"phoneNumber":79991112234`)

	ups, err = c.DecodeWebhook(s.IncomingText(greenapitest.Incoming{ChatID: "-10000000000000"}, "hi"))
	require.NoError(t, err)
	assert.Equal(t, cardbot.ChatGroup, ups[0].Chat.Kind)
	assert.Empty(t, ups[0].Sender.ID, "no sender given for a group")

	// WhatsApp's builders keep their shape.
	wa := newServer(t)
	assert.Contains(t, string(wa.IncomingText(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "hi")), `"typeInstance":"whatsapp"`)
}
