package greenapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
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

func newMAX(t testing.TB, opts ...greenapitest.Option) (*greenapitest.Server, *greenapi.Client) {
	t.Helper()
	srv := newServer(t, append([]greenapitest.Option{greenapitest.WithMAX()}, opts...)...)
	return srv, newClient(t, srv)
}

// maxCard is a card without a MAX chat id, whose number is resolved
// through the instance's contact base.
func maxCard(number string) contactcard.Card {
	return contactcard.Card{FormattedName: "Pyotr", FirstName: "Pyotr", Phones: []contactcard.Phone{{Raw: "+" + number, Number: number}}}
}

func TestMAXConfig(t *testing.T) {
	c, err := greenapi.New(greenapi.Config{Messenger: greenapi.MAX, IDInstance: "3100000001", APITokenInstance: "t"})
	require.NoError(t, err)
	assert.Equal(t, "max", c.Name())
	assert.Equal(t, "RU", c.DefaultRegion())
	assert.Equal(t, greenapi.MAX, c.Messenger())
	assert.Equal(t, "max", greenapi.MAX.String())
	assert.Equal(t, "whatsapp", greenapi.WhatsApp.String())

	c, err = greenapi.New(greenapi.Config{Messenger: greenapi.MAX, IDInstance: "1", APITokenInstance: "t", Name: "max2"})
	require.NoError(t, err)
	assert.Equal(t, "max2", c.Name())

	wa, err := greenapi.New(greenapi.Config{IDInstance: "1", APITokenInstance: "t"})
	require.NoError(t, err)
	assert.Equal(t, greenapi.WhatsApp, wa.Messenger())

	bad := []struct {
		name string
		cfg  greenapi.Config
		msg  string
	}{
		{"unknown messenger", greenapi.Config{Messenger: 7, IDInstance: "1", APITokenInstance: "t"}, "want WhatsApp, MAX or Telegram"},
		{"typing time too short", greenapi.Config{Messenger: greenapi.MAX, IDInstance: "1", APITokenInstance: "t", TypingTime: 500 * time.Millisecond}, "TypingTime"},
		{"typing time too long", greenapi.Config{Messenger: greenapi.MAX, IDInstance: "1", APITokenInstance: "t", TypingTime: 21 * time.Second}, "TypingTime"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := greenapi.New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestMAXPathPrefixNotDoubled(t *testing.T) {
	tests := []struct {
		name   string
		apiURL func(*greenapitest.Server) string
		prefix string
	}{
		{"default prefix", func(s *greenapitest.Server) string { return s.URL }, ""},
		{"default prefix, /v3 in the URL", func(s *greenapitest.Server) string { return s.URL + "/v3" }, ""},
		{"default prefix, /v3/ in the URL", func(s *greenapitest.Server) string { return s.URL + "/v3/" }, ""},
		{"explicit prefix", func(s *greenapitest.Server) string { return s.URL }, "/v3"},
		{"explicit prefix, /v3 in the URL", func(s *greenapitest.Server) string { return s.URL + "/v3" }, "v3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, greenapitest.WithMAX())
			srv.AddMAXContact("79001234568", "10000001", "Pyotr")
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.APIURL, cfg.PathPrefix = tt.apiURL(srv), tt.prefix })
			_, err := c.Send(t.Context(), "10000000", cardbot.Text{Body: "hi"})
			require.NoError(t, err)
			_, err = c.Send(t.Context(), "10000000", cardbot.Contact{Card: maxCard("79001234568")})
			require.NoError(t, err)
			assert.Equal(t, []string{"sendMessage", "getContacts", "sendContact"}, methods(srv))
			for _, call := range srv.Calls() {
				assert.Equal(t, 200, call.Status, call.Method)
			}
		})
	}
}

func TestMAXSendText(t *testing.T) {
	tests := []struct {
		name   string
		typing time.Duration
		chat   string
		out    cardbot.Text
		want   greenapitest.SentMessage
		wire   string
	}{
		{"private chat", 0, "10000000", cardbot.Text{Body: "hello"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "10000000", Text: "hello"},
			`{"chatId":"10000000","message":"hello"}`},
		{"group chat", 0, "-10000000000000", cardbot.Text{Body: "hi all"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "-10000000000000", Text: "hi all"},
			`{"chatId":"-10000000000000","message":"hi all"}`},
		{"phone number for a first message", 0, "+7 (900) 123-45-67", cardbot.Text{Body: "first"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567", Text: "first"},
			`{"chatId":"79001234567","message":"first"}`},
		{"national phone number", 0, "8 900 123-45-67", cardbot.Text{Body: "first"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567", Text: "first"},
			`{"chatId":"79001234567","message":"first"}`},
		{"Belarusian number", 0, "+375 29 123-45-67", cardbot.Text{Body: "first"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "375291234567", Text: "first"},
			`{"chatId":"375291234567","message":"first"}`},
		{"typing time", 3 * time.Second, "10000000", cardbot.Text{Body: "typed"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "10000000", Text: "typed", TypingTime: 3000},
			`{"chatId":"10000000","message":"typed","typingTime":3000}`},
		{"text of exactly 4000 characters", 0, "10000000", cardbot.Text{Body: strings.Repeat("я", 4000)},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "10000000", Text: strings.Repeat("я", 4000)},
			`{"chatId":"10000000","message":"` + strings.Repeat("я", 4000) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, greenapitest.WithMAX())
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.TypingTime = tt.typing })
			sent, err := c.Send(t.Context(), tt.chat, tt.out)
			require.NoError(t, err)
			got := srv.SentMessages()
			require.Len(t, got, 1)
			assert.Equal(t, got[0].ID, sent.ID)
			tt.want.ID = got[0].ID
			assert.Equal(t, tt.want, got[0])
			calls := srv.Calls()
			require.Len(t, calls, 1)
			assert.JSONEq(t, tt.wire, string(calls[0].Body))
		})
	}
}

func TestMAXSendRefusedBeforeAnyRequest(t *testing.T) {
	tests := []struct {
		name   string
		chat   string
		out    cardbot.Outgoing
		target []error
	}{
		{"text over 4000 characters", "10000000", cardbot.Text{Body: strings.Repeat("я", 4001)}, []error{greenapi.ErrValidation, cardbot.ErrTextTooLong}},
		{"WhatsApp chat id", "79001234567@c.us", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"WhatsApp group id", "120363043968066561@g.us", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"zero", "0", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"too long a number", "-" + strings.Repeat("1", 21), cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"not a number", "ivan", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation, contactcard.ErrInvalidPhone}},
		{"empty chat", " ", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"contact to a bad chat", "ivan@c.us", cardbot.Contact{Card: maxCard("79001234568")}, []error{greenapi.ErrValidation}},
		{"card without a phone or an account", "10000000", cardbot.Contact{Card: contactcard.Card{FormattedName: "Nobody"}},
			[]error{greenapi.ErrValidation, cardbot.ErrNoUsableNumber}},
		{"card with a group as its account", "10000000",
			cardbot.Contact{Card: contactcard.Card{Accounts: map[string]string{contactcard.MessengerMAX: "-10000000000000"}}},
			[]error{greenapi.ErrValidation}},
		{"card with a malformed account", "10000000",
			cardbot.Contact{Card: contactcard.Card{Accounts: map[string]string{contactcard.MessengerMAX: "10000001@c.us"}}},
			[]error{greenapi.ErrValidation}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := newMAX(t)
			_, err := c.Send(t.Context(), tt.chat, tt.out)
			require.Error(t, err)
			for _, target := range tt.target {
				assert.ErrorIs(t, err, target)
			}
			assert.NotErrorIs(t, err, greenapi.ErrNotOnMAX)
			assert.False(t, cardbot.IsRetryable(err))
			assert.Empty(t, srv.Calls(), "no request may reach the server")
		})
	}
}

func TestMAXSendContactByAccount(t *testing.T) {
	tests := []struct {
		name   string
		chat   string
		card   contactcard.Card
		typing time.Duration
		wire   string
	}{
		{"account only", "10000000",
			contactcard.Card{FormattedName: "Pyotr", Accounts: map[string]string{contactcard.MessengerMAX: "10000001"}}, 0,
			`{"chatId":"10000000","contact":{"chatId":"10000001"}}`},
		{"account wins over the number", "-10000000000000",
			contactcard.Card{FormattedName: "Pyotr", Phones: []contactcard.Phone{{Number: "79001234568"}},
				Accounts: map[string]string{contactcard.MessengerMAX: "10000001"}}, 0,
			`{"chatId":"-10000000000000","contact":{"chatId":"10000001"}}`},
		{"typing time", "10000000",
			contactcard.Card{Accounts: map[string]string{contactcard.MessengerMAX: "10000001"}}, 20 * time.Second,
			`{"chatId":"10000000","contact":{"chatId":"10000001"},"typingTime":20000}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, greenapitest.WithMAX())
			srv.AddMAXContact("79001234599", "10000001", "Pyotr")
			c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.TypingTime = tt.typing })
			// ReplyTo is not sent: MAX's sendContact takes no quote.
			sent, err := c.Send(t.Context(), tt.chat, cardbot.Contact{Card: tt.card, ReplyTo: "1762333029830"})
			require.NoError(t, err)
			assert.Equal(t, 0, srv.CheckAccountCalls())
			got := srv.SentMessages()
			require.Len(t, got, 1)
			assert.Equal(t, sent.ID, got[0].ID)
			assert.Equal(t, "sendContact", got[0].Method)
			assert.Equal(t, &greenapitest.Contact{ChatID: "10000001"}, got[0].Contact)
			assert.Equal(t, []string{"getContacts", "sendContact"}, methods(srv))
			assert.JSONEq(t, tt.wire, string(srv.Calls()[1].Body))
		})
	}
}

func TestMAXAccountCacheExpiry(t *testing.T) {
	srv := newServer(t, greenapitest.WithMAX())
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.AccountTTL, cfg.NotFoundTTL = 10*time.Hour, time.Hour
	})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	greenapi.SetAccountClock(c, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	check := func(phone string) error {
		_, err := c.CheckAccount(t.Context(), phone)
		return err
	}
	// Negative: kept for NotFoundTTL.
	require.ErrorIs(t, check("79001234569"), greenapi.ErrNotOnMAX)
	advance(59 * time.Minute)
	require.ErrorIs(t, check("79001234569"), greenapi.ErrNotOnMAX)
	assert.Equal(t, 1, srv.CheckAccountCalls())
	// The number has joined MAX meanwhile; once the answer expires it is
	// asked again.
	srv.AddMAXAccount("79001234569", "10000009")
	advance(time.Minute)
	require.NoError(t, check("79001234569"))
	assert.Equal(t, 2, srv.CheckAccountCalls())
	// Positive: kept for AccountTTL.
	advance(10*time.Hour - time.Second)
	require.NoError(t, check("79001234569"))
	assert.Equal(t, 2, srv.CheckAccountCalls())
	advance(time.Second)
	require.NoError(t, check("79001234569"))
	assert.Equal(t, 3, srv.CheckAccountCalls())
}

func TestMAXAccountCacheBounded(t *testing.T) {
	srv := newServer(t, greenapitest.WithMAX())
	c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.AccountCacheSize = 2 })
	for _, n := range []string{"79001234561", "79001234562", "79001234563", "79001234561"} {
		_, err := c.CheckAccount(t.Context(), n)
		require.ErrorIs(t, err, greenapi.ErrNotOnMAX)
	}
	assert.Equal(t, 4, srv.CheckAccountCalls(), "the oldest answer was evicted")
}

func TestMAXCheckAccountFailures(t *testing.T) {
	t.Run("a failure is not cached", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXAccount("79001234568", "10000001")
		srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"message":"Validation failed"}`})
		_, err := c.CheckAccount(t.Context(), "79001234568")
		require.ErrorIs(t, err, greenapi.ErrValidation)
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "checkAccount", ae.Method)

		_, err = c.CheckAccount(t.Context(), "79001234568")
		require.NoError(t, err)
		assert.Equal(t, []string{"checkAccount", "checkAccount"}, methods(srv))
	})
	t.Run("transient failures are retried", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXAccount("79001234568", "10000001")
		srv.FailNext(2, 502, 0)
		_, err := c.CheckAccount(t.Context(), "79001234568")
		require.NoError(t, err)
		assert.Equal(t, []string{"checkAccount", "checkAccount", "checkAccount"}, methods(srv))
	})
	t.Run("retryable when retries run out", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.FailNext(10, 503, 0)
		_, err := c.CheckAccount(t.Context(), "79001234568")
		require.ErrorIs(t, err, greenapi.ErrTransient)
		assert.True(t, cardbot.IsRetryable(err))
	})
	t.Run("only +7 and +375 numbers are checked", func(t *testing.T) {
		srv, c := newMAX(t)
		_, err := c.CheckAccount(t.Context(), "+44 7911 123456")
		require.ErrorIs(t, err, greenapi.ErrValidation)
		require.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
		assert.Empty(t, srv.Calls())
	})
	t.Run("a malformed answer", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"exist":true,"chatId":""}`})
		_, err := c.CheckAccount(t.Context(), "79001234568")
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Contains(t, ae.Message, "not a MAX chat id")
	})
	t.Run("a numeric chatId is read", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"exist":true,"chatId":10000001}`})
		id, err := c.CheckAccount(t.Context(), "79001234568")
		require.NoError(t, err)
		assert.Equal(t, "10000001", id)
	})
	t.Run("WhatsApp clients do not check accounts", func(t *testing.T) {
		srv := newServer(t)
		_, err := newClient(t, srv).CheckAccount(t.Context(), "79001234568")
		require.ErrorIs(t, err, greenapi.ErrValidation)
		assert.Empty(t, srv.Calls())
	})
	t.Run("a number that does not parse", func(t *testing.T) {
		srv, c := newMAX(t)
		_, err := c.CheckAccount(t.Context(), "ivan")
		require.ErrorIs(t, err, greenapi.ErrValidation)
		require.ErrorIs(t, err, contactcard.ErrInvalidPhone)
		assert.Empty(t, srv.Calls())
	})
}

func TestMAXDecode(t *testing.T) {
	tests := []fixtureTest{
		{"max_text.json", cardbot.Update{
			Kind:    cardbot.KindMessage,
			Key:     "3100000000|10000000|1763115112345|incomingMessageReceived",
			Chat:    cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Vasilisa"},
			Sender:  cardbot.User{ID: "10000000", Name: "Vasilisa", Phone: "79876543210"},
			Message: &cardbot.Message{ID: "1763115112345", Type: "textMessage", Text: "Hello from MAX"},
			Time:    unix(1763115112),
		}},
		{"max_group_text.json", cardbot.Update{
			Kind:    cardbot.KindMessage,
			Key:     "3100000000|-10000000000000|115206687571465800|incomingMessageReceived",
			Chat:    cardbot.Chat{ID: "-10000000000000", Kind: cardbot.ChatGroup, Title: "Team"},
			Sender:  cardbot.User{ID: "10000002", Name: "Oleg", Phone: "375291234567"},
			Message: &cardbot.Message{ID: "115206687571465800", Type: "extendedTextMessage", Text: "https://example.com"},
			Time:    unix(1763115200),
		}},
		{"max_contact.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "3100000000|10000000|115206687571465794|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Ivan"},
			Sender: cardbot.User{ID: "10000000", Name: "Ivan", Phone: "79991112233"},
			Message: &cardbot.Message{ID: "115206687571465794", Type: "contactMessage",
				Contacts: []cardbot.VCardRef{{DisplayName: "Pyotr", Phone: "+79991112234", Accounts: map[string]string{contactcard.MessengerMAX: "10000001"}}}},
			Time: unix(1588091580),
		}},
		{"max_contact_group.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "3100000000|-10000000000000|115206687571465801|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "-10000000000000", Kind: cardbot.ChatGroup, Title: "Team"},
			Sender: cardbot.User{ID: "10000002", Name: "Oleg", Phone: "375291234567"},
			Message: &cardbot.Message{ID: "115206687571465801", Type: "contactMessage", Forwarded: true,
				Contacts: []cardbot.VCardRef{{DisplayName: "Anna", Phone: "+79991112235",
					VCard:    "BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nTEL:+79991112235\nEND:VCARD",
					Accounts: map[string]string{contactcard.MessengerMAX: "10000003"}}}},
			Time: unix(1763115400),
		}},
		{"max_outgoing_status.json", cardbot.Update{
			Kind:   cardbot.KindStatus,
			Key:    "3100000000|10000000|1762333029830|outgoingMessageStatus|delivered",
			Chat:   cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate},
			Status: &cardbot.Status{MessageID: "1762333029830", Name: "delivered"},
			Time:   unix(1763115300),
		}},
	}
	_, c := newMAX(t, greenapitest.WithCredentials("3100000000", ""))
	decodesTo(t, c, "max", tests)
}

func TestMAXContactRoundTrip(t *testing.T) {
	// A contact that arrives on MAX is sent on by its MAX chat id, once
	// the contact base holds it; the same card goes to WhatsApp by its
	// number.
	srv, c := newMAX(t)
	srv.AddMAXContact("79991112234", "10000001", "Pyotr")
	body := srv.IncomingMAXContact(greenapitest.Incoming{ChatID: "10000000", SenderPhone: "79991112233"}, "Pyotr", "10000001", "79991112234")
	got, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	ctx := cardbottest.NewContext(t, c, got[0])
	assert.Equal(t, cardbot.ChatPrivate, ctx.Chat().Kind)
	assert.Equal(t, "79991112233", ctx.Sender().Phone)
	cards, err := ctx.Contacts()
	require.NoError(t, err)
	require.Len(t, cards, 1)
	assert.Equal(t, "10000001", cards[0].Accounts[contactcard.MessengerMAX])

	require.NoError(t, ctx.SendContact(cards[0]))
	assert.Equal(t, 0, srv.CheckAccountCalls())
	sent := srv.SentMessages()
	require.Len(t, sent, 1)
	assert.Equal(t, "10000000", sent[0].ChatID)
	assert.Equal(t, "10000001", sent[0].Contact.ChatID)

	wa := newServer(t)
	_, err = newClient(t, wa).Send(t.Context(), "79001234567@c.us", cardbot.Contact{Card: cards[0]})
	require.NoError(t, err)
	require.Len(t, wa.SentMessages(), 1)
	assert.Equal(t, int64(79991112234), wa.SentMessages()[0].Contact.PhoneContact)
}

func TestMAXIncomingGroup(t *testing.T) {
	srv, c := newMAX(t)
	body := srv.IncomingText(greenapitest.Incoming{ChatID: "-10000000000000", Sender: "10000002", SenderName: "Oleg"}, "hi")
	got, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	u := got[0]
	assert.Equal(t, cardbot.Chat{ID: "-10000000000000", Kind: cardbot.ChatGroup, Title: "Oleg"}, u.Chat)
	assert.Equal(t, "10000002", u.Sender.ID)
	assert.Contains(t, string(u.Raw), `"typeInstance":"v3"`)
	assert.Regexp(t, `^\d+$`, u.Message.ID)
}

func ExampleClient_Send_max() {
	srv := greenapitest.NewServer(greenapitest.WithMAX()) // a fake GREEN-API for MAX
	defer srv.Close()
	srv.AddMAXContact("79001234568", "10000001", "Artem") // in the instance's contact base
	cfg := srv.Config()                                   // Messenger: greenapi.MAX; "/v3" is the default prefix
	c, err := greenapi.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// MAX chat ids are numbers; a formatted phone number, for a first
	// message, is sent as its digits.
	if _, err := c.Send(ctx, "-10000000000000", cardbot.Text{Body: "Hello, group!"}); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Send(ctx, "+7 900 123-45-67", cardbot.Text{Body: "Hello!"}); err != nil {
		log.Fatal(err)
	}
	// A card without a MAX chat id is found by its number in the
	// instance's contact base (getContacts, cached); one not there is
	// refused before any send (MAXContacts.Add would add it,
	// MAXContacts.AsFile would send it as a .vcf file).
	card := contactcard.Card{FormattedName: "Artem", Phones: []contactcard.Phone{{Raw: "+7 900 123-45-68", Number: "79001234568"}}}
	if _, err := c.Send(ctx, "10000000", cardbot.Contact{Card: card}); err != nil {
		log.Fatal(err)
	}
	stranger := contactcard.Card{FormattedName: "Nobody", Phones: []contactcard.Phone{{Number: "79001234569"}}}
	_, err = c.Send(ctx, "10000000", cardbot.Contact{Card: stranger})
	fmt.Println(errors.Is(err, greenapi.ErrNotOnMAX), err)

	for _, m := range srv.SentMessages() {
		if m.Contact != nil {
			fmt.Println(m.Method, m.ChatID, m.Contact.ChatID)
		} else {
			fmt.Println(m.Method, m.ChatID, m.Text)
		}
	}
	// Output:
	// true greenapi: sendContact: contact "Nobody": greenapi: number +79001234569 is not in the MAX instance's contacts (getContacts)
	// sendMessage -10000000000000 Hello, group!
	// sendMessage 79001234567 Hello!
	// sendContact 10000000 10000001
}

func TestMAXPoller(t *testing.T) {
	srv := newServer(t, greenapitest.WithMAX(), greenapitest.WithMaxReceiveWait(20*time.Millisecond))
	c := newClient(t, srv)
	rec := &apitest.Recorder{}
	srv.Enqueue(ownFixture(t, srv, "max_text.json"))
	srv.Enqueue(ownFixture(t, srv, "max_contact.json"))
	stop := runPoller(t, c, rec)
	require.Eventually(t, func() bool { return srv.Pending() == 0 }, 3*time.Second, 5*time.Millisecond)
	require.ErrorIs(t, stop(), context.Canceled)
	got := rec.Updates()
	require.Len(t, got, 2)
	assert.Equal(t, "max", got[0].Provider)
	assert.Equal(t, "Hello from MAX", got[0].Message.Text)
	assert.Equal(t, "10000001", got[1].Message.Contacts[0].Accounts[contactcard.MessengerMAX])
	for _, call := range srv.Calls() {
		assert.NotEqual(t, 404, call.Status, call.Method)
	}
}

// TestTokensNeverLeakMAX drives checkAccount, getContacts, addContact and
// MAX's sendContact through their failures and asserts that no error or
// log line holds a token.
func TestTokensNeverLeakMAX(t *testing.T) {
	const (
		maxToken        = "7c0f3e5a9b2d4f6e8a1c3b5d7e9f0a2b4c6d8e0f1a3b5c7d"
		maxWebhookToken = "whsec-max-9a8b7c6d5e4f"
	)
	leaks := apitest.NewLeaks(t)
	logger := leaks.Logger
	srv := newServer(t, greenapitest.WithMAX(), greenapitest.WithCredentials("3100000001", maxToken), greenapitest.WithWebhookToken(maxWebhookToken))
	c := newClient(t, srv, func(cfg *greenapi.Config) {
		cfg.Logger, cfg.MAXContacts.Add, cfg.MAXContacts.Refresh = logger, true, time.Nanosecond
	})
	card := contactcard.Card{FormattedName: "Pyotr", Phones: []contactcard.Phone{{Number: "79001234568"}}}
	sendContact := func(c *greenapi.Client) {
		t.Helper()
		_, err := c.Send(t.Context(), "10000000", cardbot.Contact{Card: card})
		leaks.Collect(err)
	}
	check := func(c *greenapi.Client, phone string) {
		t.Helper()
		_, err := c.CheckAccount(t.Context(), phone)
		leaks.Collect(err)
	}

	// A server that echoes the path, token and all, in a 400, a 404 and a 200.
	srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: "Cannot GET /v3/waInstance3100000001/getContacts/" + maxToken})
	sendContact(c)
	srv.FailNextWith(2, greenapitest.Failure{Status: 200, Body: `[]`})
	srv.FailNextWith(1, greenapitest.Failure{Status: 404, Body: `{"message":"79001234568@c.us is not on MAX ` + maxToken + `"}`})
	sendContact(c)
	srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: "Cannot POST /v3/waInstance3100000001/checkAccount/" + maxToken})
	check(c, "79001234565")
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"exist":true,"chatId":"` + maxToken + `"}`})
	check(c, "79001234567")
	srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized ` + maxWebhookToken + `"}`})
	check(c, "79001234566")
	// Retries exhausted, logged at Debug.
	srv.FailNext(10, 500, 0)
	sendContact(c)
	srv.Reset()
	// 401 and 403.
	sendContact(newClient(t, srv, func(cfg *greenapi.Config) { cfg.APITokenInstance = maxToken[:20] }))
	sendContact(newClient(t, srv, func(cfg *greenapi.Config) { cfg.IDInstance = "7" }))
	// Not on MAX, a refused country, a number that does not parse.
	sendContact(c)
	check(c, "+44 7911 123456")
	check(c, "ivan")
	// No server at all.
	gone := greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithCredentials("3100000001", maxToken))
	goneCfg := gone.Config()
	gone.Close()
	goneCfg.Logger, goneCfg.MinBackoff, goneCfg.MaxBackoff = logger, time.Millisecond, time.Millisecond
	goneClient, err := greenapi.New(goneCfg)
	require.NoError(t, err)
	sendContact(goneClient)

	leaks.Check(maxToken, maxWebhookToken)
	assert.Contains(t, leaks.Log(), "method=getContacts", "the retries were logged")
}

// TestMAXCheckAccountSharedCallEnds: a caller waiting on another's
// checkAccount call gets its outcome, unless its own context ends first,
// or the other caller's context ended, which is no answer: it then asks
// itself.
func TestMAXCheckAccountSharedCallEnds(t *testing.T) {
	const number, chatID = "79001234568", "10000001"
	const delay = 200 * time.Millisecond
	// lead starts a checkAccount with ctx, lets it take the flight, and
	// returns its outcome's channel.
	lead := func(ctx context.Context, c *greenapi.Client) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := c.CheckAccount(ctx, number)
			done <- err
		}()
		time.Sleep(delay / 4)
		return done
	}
	t.Run("the waiter's context ends", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXAccount(number, chatID)
		srv.SetDelay(delay)
		leader := lead(t.Context(), c)
		ctx, cancel := context.WithTimeout(t.Context(), delay/4)
		defer cancel()
		_, err := c.CheckAccount(ctx, number)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "greenapi: checkAccount: ")
		require.NoError(t, <-leader, "the leader is not disturbed")
		assert.Equal(t, 1, srv.CheckAccountCalls())
	})
	t.Run("the leader's context ends", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXAccount(number, chatID)
		srv.SetDelay(delay)
		ctx, cancel := context.WithCancel(t.Context())
		leader := lead(ctx, c)
		time.AfterFunc(delay/4, cancel)
		id, err := c.CheckAccount(t.Context(), number)
		require.NoError(t, err, "the waiter asked again")
		assert.Equal(t, chatID, id)
		require.ErrorIs(t, <-leader, context.Canceled)
	})
	t.Run("the leader's call fails", func(t *testing.T) {
		srv, c := newMAX(t)
		srv.AddMAXAccount(number, chatID)
		srv.SetDelay(delay)
		srv.FailNextWith(1, greenapitest.Failure{Status: 400, Body: `{"message":"Validation failed"}`})
		leader := lead(t.Context(), c)
		_, err := c.CheckAccount(t.Context(), number)
		require.ErrorIs(t, err, greenapi.ErrValidation, "the waiter shares the failure")
		require.ErrorIs(t, <-leader, greenapi.ErrValidation)
		assert.Equal(t, []string{"checkAccount"}, methods(srv), "one call for both")
	})
}
