package greenapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func newTelegram(t testing.TB, opts ...greenapitest.Option) (*greenapitest.Server, *greenapi.Client) {
	t.Helper()
	srv := newServer(t, append([]greenapitest.Option{greenapitest.WithTelegram()}, opts...)...)
	return srv, newClient(t, srv)
}

func TestTelegramConfig(t *testing.T) {
	c, err := greenapi.New(greenapi.Config{Messenger: greenapi.Telegram, IDInstance: "4100000000", APITokenInstance: "t"})
	require.NoError(t, err)
	assert.Equal(t, "telegram", c.Name())
	assert.Equal(t, greenapi.Telegram, c.Messenger())
	assert.Equal(t, "telegram", greenapi.Telegram.String())
	for m, want := range map[greenapi.Messenger]string{greenapi.WhatsApp: "whatsapp", greenapi.MAX: "v3", greenapi.Telegram: "telegram", 9: ""} {
		assert.Equal(t, want, m.TypeInstance(), m.String())
	}
}

func TestTelegramSend(t *testing.T) {
	tests := []struct {
		name string
		chat string
		out  cardbot.Outgoing
		wire string
	}{
		{"text to a private chat", "10000000", cardbot.Text{Body: "hello"}, `{"chatId":"10000000","message":"hello"}`},
		{"text to a group", "-12345678909876", cardbot.Text{Body: "hi all", ReplyTo: "1769676100000"},
			`{"chatId":"-12345678909876","message":"hi all","quotedMessageId":"1769676100000"}`},
		{"text to a phone number", "+7 900 123-45-67", cardbot.Text{Body: "first"}, `{"chatId":"79001234567@c.us","message":"first"}`},
		{"text of exactly 4096 characters", "10000000", cardbot.Text{Body: strings.Repeat("я", 4096)},
			`{"chatId":"10000000","message":"` + strings.Repeat("я", 4096) + `"}`},
		{"contact with names and company", "10000000", cardbot.Contact{Card: contactcard.Card{
			FirstName: "Ivan", MiddleName: "Petrovich", LastName: "Tsarevich", Company: "Kingdom",
			Phones: []contactcard.Phone{{Number: "79001234569"}}}},
			`{"chatId":"10000000","contact":{"phoneContact":79001234569,"firstName":"Ivan Petrovich","lastName":"Tsarevich","company":"Kingdom"}}`},
		{"contact with FN only", "-12345678909876", cardbot.Contact{Card: contactcard.Card{
			FormattedName: "Ivan Tsarevich", Phones: []contactcard.Phone{{Number: "79001234569"}}}},
			`{"chatId":"-12345678909876","contact":{"phoneContact":79001234569,"firstName":"Ivan Tsarevich"}}`},
		{"contact with a last name only: it becomes the first name", "10000000", cardbot.Contact{Card: contactcard.Card{
			LastName: "Tsarevich", Phones: []contactcard.Phone{{Number: "79001234569"}}}},
			`{"chatId":"10000000","contact":{"phoneContact":79001234569,"firstName":"Tsarevich"}}`},
		{"contact without a name: the number is its first name", "10000000", cardbot.Contact{Card: contactcard.Card{
			Company: "Kingdom", Phones: []contactcard.Phone{{Number: "447911123456"}}}},
			`{"chatId":"10000000","contact":{"phoneContact":447911123456,"firstName":"+447911123456","company":"Kingdom"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newTelegram(t)
			sent, err := c.Send(t.Context(), tt.chat, tt.out)
			require.NoError(t, err)
			got := srv.SentMessages()
			require.Len(t, got, 1)
			assert.Equal(t, got[0].ID, sent.ID)
			calls := srv.Calls()
			require.Len(t, calls, 1)
			assert.JSONEq(t, tt.wire, string(calls[0].Body))
			assert.Equal(t, 200, calls[0].Status)
		})
	}
}

func TestTelegramSendRefusedBeforeAnyRequest(t *testing.T) {
	tests := []struct {
		name   string
		chat   string
		out    cardbot.Outgoing
		target []error
	}{
		{"text over 4096 characters", "10000000", cardbot.Text{Body: strings.Repeat("я", 4097)}, []error{greenapi.ErrValidation}},
		{"WhatsApp group id", "120363043968066561@g.us", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"@lid id", "12345678901234@lid", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"a user name", "ivan", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation, contactcard.ErrInvalidPhone}},
		{"zero", "0", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"card without a phone", "10000000", cardbot.Contact{Card: contactcard.Card{FormattedName: "Nobody"}},
			[]error{greenapi.ErrValidation, cardbot.ErrNoUsableNumber}},
		{"caption over 1024 characters", "10000000",
			cardbot.File{Name: "a.txt", Data: []byte("x"), Caption: strings.Repeat("я", 1025)}, []error{greenapi.ErrValidation}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newTelegram(t)
			_, err := c.Send(t.Context(), tt.chat, tt.out)
			require.Error(t, err)
			for _, target := range tt.target {
				assert.ErrorIs(t, err, target)
			}
			assert.False(t, cardbot.IsRetryable(err))
			assert.Empty(t, srv.Calls(), "no request may reach the server")
		})
	}
}

func TestTelegramSendFile(t *testing.T) {
	srv, c := newTelegram(t)
	caption := strings.Repeat("я", 1024)
	_, err := c.Send(t.Context(), "-12345678909876", cardbot.File{Name: "ivan.vcf", Data: []byte(vcf), Caption: caption})
	require.NoError(t, err)
	got := srv.SentMessages()
	require.Len(t, got, 1)
	assert.Equal(t, "sendFileByUpload", got[0].Method)
	assert.Equal(t, "-12345678909876", got[0].ChatID)
	assert.Equal(t, caption, got[0].File.Caption)
	assert.Equal(t, "sendFileByUpload", srv.Calls()[0].Method, "no /v3 prefix on Telegram")
}

func TestTelegramDecode(t *testing.T) {
	tests := []fixtureTest{
		{"telegram_text.json", cardbot.Update{
			Kind:    cardbot.KindMessage,
			Key:     "4100000000|10000000|1769676078000|incomingMessageReceived",
			Chat:    cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Vasilisa the Wise"},
			Sender:  cardbot.User{ID: "10000000", Name: "Vasilisa the Wise", Phone: "79876543210"},
			Message: &cardbot.Message{ID: "1769676078000", Type: "textMessage", Text: "I use GREEN-API to send this message!"},
			Time:    unix(1588091580),
		}},
		{"telegram_group_text.json", cardbot.Update{
			Kind:    cardbot.KindMessage,
			Key:     "4100000000|-12345678909876|1769676100000|incomingMessageReceived",
			Chat:    cardbot.Chat{ID: "-12345678909876", Kind: cardbot.ChatGroup, Title: "Team"},
			Sender:  cardbot.User{ID: "10000002", Name: "Oleg"},
			Message: &cardbot.Message{ID: "1769676100000", Type: "textMessage", Text: "Hello, group"},
			Time:    unix(1769676100),
		}},
		{"telegram_contact.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "4100000000|10000000|1769676200000|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Vasilisa the Wise"},
			Sender: cardbot.User{ID: "10000000", Name: "Vasilisa the Wise", Phone: "79876543210"},
			Message: &cardbot.Message{ID: "1769676200000", Type: "contactMessage", Contacts: []cardbot.VCardRef{{
				DisplayName: "Ivan Tsarevich", FirstName: "Ivan", LastName: "Tsarevich", Phone: "+79001234569",
				Accounts: map[string]string{contactcard.MessengerTelegram: "10000001"}}}},
			Time: unix(1769676200),
		}},
		{"telegram_document_vcf.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "4100000000|10000000|1769676300000|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Vasilisa the Wise"},
			Sender: cardbot.User{ID: "10000000", Name: "Vasilisa the Wise"},
			Message: &cardbot.Message{ID: "1769676300000", Type: "documentMessage", Document: &cardbot.Document{
				ID: "10000000/1769676300000", FileName: "ivan.vcf", MIMEType: "text/vcard",
				URL: "https://api.green-api.com/waInstance4100000000/downloadFile/5A1B2C3D4E5F"}},
			Time: unix(1769676300),
		}},
	}
	_, c := newTelegram(t, greenapitest.WithCredentials("4100000000", ""))
	decodesTo(t, c, "telegram", tests)
}

// TestTelegramContactCard: the card of a Telegram contact is made of its
// fields when the vcard is empty, of the vcard when it carries the number,
// and of the fields again when the vcard lacks it.
func TestTelegramContactCard(t *testing.T) {
	tests := []struct {
		name      string
		vcard     string
		wantFN    string
		wantPhone string
	}{
		{"empty vcard", "", "Ivan Tsarevich", "79001234569"},
		{"vcard with a number", "BEGIN:VCARD\nVERSION:3.0\nFN:Ivan T.\nTEL:+79001234570\nEND:VCARD", "Ivan T.", "79001234570"},
		{"vcard without a number", "BEGIN:VCARD\nVERSION:3.0\nFN:Ivan T.\nEND:VCARD", "Ivan Tsarevich", "79001234569"},
		{"additional data that is no vcard", "note", "Ivan Tsarevich", "79001234569"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newTelegram(t)
			body := srv.IncomingTelegramContact(greenapitest.Incoming{ChatID: "10000000"}, "Ivan", "Tsarevich", "79001234569", "10000001")
			body = []byte(strings.Replace(string(body), `"vcard":""`, `"vcard":`+jsonString(tt.vcard), 1))
			ups, err := c.DecodeWebhook(body)
			require.NoError(t, err)
			cards, err := cardbottest.NewContext(t, c, ups[0]).Contacts()
			require.NoError(t, err)
			require.Len(t, cards, 1)
			assert.Equal(t, tt.wantFN, cards[0].FormattedName)
			ph, ok := cards[0].PrimaryPhone()
			require.True(t, ok)
			assert.Equal(t, tt.wantPhone, ph.Number)
			assert.Equal(t, "10000001", cards[0].Accounts[contactcard.MessengerTelegram])
		})
	}
}

// TestTelegramContactRoundTrip: a contact shared on Telegram is sent back
// on Telegram with its number and names.
func TestTelegramContactRoundTrip(t *testing.T) {
	srv, c := newTelegram(t)
	body := srv.IncomingTelegramContact(greenapitest.Incoming{ChatID: "-12345678909876", Sender: "10000000"}, "Ivan", "Tsarevich", "79001234569", "")
	ups, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	ctx := cardbottest.NewContext(t, c, ups[0])
	assert.Equal(t, cardbot.ChatGroup, ctx.Chat().Kind)
	cards, err := ctx.Contacts()
	require.NoError(t, err)
	require.Len(t, cards, 1)
	require.NoError(t, ctx.SendContact(cards[0]))
	got := srv.SentMessages()
	require.Len(t, got, 1)
	assert.Equal(t, "-12345678909876", got[0].ChatID)
	assert.Equal(t, &greenapitest.Contact{PhoneContact: 79001234569, FirstName: "Ivan", LastName: "Tsarevich"}, got[0].Contact)
}

// TestTelegramVCardDocument: a .vcf uploaded on Telegram is downloaded,
// by its URL and through downloadFile, without the /v3 prefix.
func TestTelegramVCardDocument(t *testing.T) {
	srv, c := newTelegram(t)
	body := srv.IncomingDocument(greenapitest.Incoming{ChatID: "10000000"}, "anna.vcf", "text/vcard", []byte(vcf))
	ups, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	for _, viaID := range []bool{false, true} {
		u := ups[0]
		doc := *u.Message.Document
		if viaID {
			doc.URL = ""
		}
		msg := *u.Message
		msg.Document = &doc
		u.Message = &msg
		cards, err := cardbottest.NewContext(t, c, u).Contacts()
		require.NoError(t, err)
		require.Len(t, cards, 1)
	}
	for _, call := range srv.Calls() {
		assert.Equal(t, 200, call.Status, call.Method)
	}
}

func TestTelegramPoller(t *testing.T) {
	srv, c := newTelegram(t, greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	rec := &apitest.Recorder{}
	srv.Enqueue(srv.IncomingText(greenapitest.Incoming{ChatID: "10000000"}, "polled"))
	srv.Enqueue(srv.IncomingTelegramContact(greenapitest.Incoming{ChatID: "-12345678909876", Sender: "10000000"}, "Ivan", "", "79001234569", ""))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	got := rec.Updates()
	require.Len(t, got, 2)
	assert.Equal(t, "telegram", got[0].Provider)
	assert.Equal(t, "polled", got[0].Message.Text)
	assert.Equal(t, cardbot.ChatGroup, got[1].Chat.Kind)
	assert.Equal(t, "+79001234569", got[1].Message.Contacts[0].Phone)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestTelegramChatType: senderData.chatType tells a channel from a group,
// whose ids are both negative.
func TestTelegramChatType(t *testing.T) {
	tests := []struct {
		chatType string
		chat     string
		want     cardbot.ChatKind
	}{
		{"channel", "-1001234567890", cardbot.ChatChannel},
		{"supergroup", "-1001234567890", cardbot.ChatGroup},
		{"group", "-123456789", cardbot.ChatGroup},
		{"bot", "10000009", cardbot.ChatPrivate},
		{"", "-1001234567890", cardbot.ChatGroup},
	}
	_, c := newTelegram(t, greenapitest.WithCredentials("4100000000", ""))
	for _, tt := range tests {
		t.Run(tt.chatType, func(t *testing.T) {
			body := strings.Replace(string(fixture(t, "telegram_group_text.json")), `"chatType": "supergroup"`, `"chatType": "`+tt.chatType+`"`, 1)
			body = strings.Replace(body, `"chatId": "-12345678909876"`, `"chatId": "`+tt.chat+`"`, 1)
			ups, err := c.DecodeWebhook([]byte(body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, ups[0].Chat.Kind)
			assert.Equal(t, tt.chat, ups[0].Chat.ID)
		})
	}
}
