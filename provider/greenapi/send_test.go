package greenapi_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func TestSendText(t *testing.T) {
	tests := []struct {
		name string
		chat string
		out  cardbot.Text
		want greenapitest.SentMessage
	}{
		{"private chat", "79001234567@c.us", cardbot.Text{Body: "hello"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567@c.us", Text: "hello"}},
		{"group chat", "79001234567-1581234048@g.us", cardbot.Text{Body: "hi all"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567-1581234048@g.us", Text: "hi all"}},
		{"new group id", "120363043968066561@g.us", cardbot.Text{Body: "hi"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "120363043968066561@g.us", Text: "hi"}},
		{"quoted reply", "79001234567@c.us", cardbot.Text{Body: "yes", ReplyTo: "F7AEC1B7086ECDC7E6E45923F5EDB825"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567@c.us", Text: "yes", QuotedMessageID: "F7AEC1B7086ECDC7E6E45923F5EDB825"}},
		{"national phone number", "8 900 123-45-67", cardbot.Text{Body: "by number"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567@c.us", Text: "by number"}},
		{"international phone number", "+7 (900) 123-45-67", cardbot.Text{Body: "by number"},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567@c.us", Text: "by number"}},
		{"text of exactly the limit", "79001234567@c.us", cardbot.Text{Body: strings.Repeat("я", 20000)},
			greenapitest.SentMessage{Method: "sendMessage", ChatID: "79001234567@c.us", Text: strings.Repeat("я", 20000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			sent, err := c.Send(t.Context(), tt.chat, tt.out)
			require.NoError(t, err)
			got := srv.SentMessages()
			require.Len(t, got, 1)
			assert.NotEmpty(t, got[0].ID)
			assert.Equal(t, got[0].ID, sent.ID)
			assert.JSONEq(t, `{"idMessage":"`+got[0].ID+`"}`, string(sent.Raw))
			tt.want.ID = got[0].ID
			assert.Equal(t, tt.want, got[0])
		})
	}
}

func TestSendTextWireFormat(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	calls := srv.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "POST", calls[0].HTTPMethod)
	assert.Equal(t, "sendMessage", calls[0].Method)
	assert.JSONEq(t, `{"chatId":"79001234567@c.us","message":"hi"}`, string(calls[0].Body))
}

func card(t *testing.T, vcard string) contactcard.Card {
	t.Helper()
	cards, err := contactcard.Parse(strings.NewReader(vcard))
	require.NoError(t, err)
	require.Len(t, cards, 1)
	return cards[0]
}

func TestSendContact(t *testing.T) {
	tests := []struct {
		name  string
		card  contactcard.Card
		reply string
		want  greenapitest.Contact
		wire  string
	}{
		{"full names and company",
			card(t, "BEGIN:VCARD\nVERSION:3.0\nN:Evpatoriysky;Artem;Petrovich;;\nFN:Artem Evpatoriysky\nORG:Bicycle\nTEL;TYPE=CELL:+7 900 123-45-68\nEND:VCARD"), "",
			greenapitest.Contact{PhoneContact: 79001234568, FirstName: "Artem", MiddleName: "Petrovich", LastName: "Evpatoriysky", Company: "Bicycle"},
			`{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"firstName":"Artem","middleName":"Petrovich","lastName":"Evpatoriysky","company":"Bicycle"}}`},
		{"WhatsApp card, waid wins, quoted",
			card(t, "BEGIN:VCARD\nVERSION:3.0\nN:Smit;Alex;;;\nFN:Alex Smit\nTEL;type=CELL;waid=72345678901:+7 234 567 8901\nEND:VCARD"), "Q1",
			greenapitest.Contact{PhoneContact: 72345678901, FirstName: "Alex", LastName: "Smit"},
			`{"chatId":"79001234567@c.us","quotedMessageId":"Q1","contact":{"phoneContact":72345678901,"firstName":"Alex","lastName":"Smit"}}`},
		{"national number in the default region",
			contactcard.Card{FormattedName: "Ivan", FirstName: "Ivan", Phones: []contactcard.Phone{{Raw: "8 900 123-45-69", Number: "79001234569"}}}, "",
			greenapitest.Contact{PhoneContact: 79001234569, FirstName: "Ivan"},
			`{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234569,"firstName":"Ivan"}}`},
		{"no N: FN is the first name",
			contactcard.Card{FormattedName: "Dr. Who", Phones: []contactcard.Phone{{Number: "447911123456"}}}, "",
			greenapitest.Contact{PhoneContact: 447911123456, FirstName: "Dr. Who"},
			`{"chatId":"79001234567@c.us","contact":{"phoneContact":447911123456,"firstName":"Dr. Who"}}`},
		{"company only",
			contactcard.Card{Company: "Acme", Phones: []contactcard.Phone{{Number: "79001234568"}}}, "",
			greenapitest.Contact{PhoneContact: 79001234568, Company: "Acme"},
			`{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"company":"Acme"}}`},
		{"no name at all: the number",
			contactcard.Card{Phones: []contactcard.Phone{{Number: "79001234568"}}}, "",
			greenapitest.Contact{PhoneContact: 79001234568, FirstName: "+79001234568"},
			`{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"firstName":"+79001234568"}}`},
		{"preferred phone first",
			contactcard.Card{FirstName: "A", Phones: []contactcard.Phone{{Number: "79001234568"}, {Number: "79001234569", Preferred: true}}}, "",
			greenapitest.Contact{PhoneContact: 79001234569, FirstName: "A"},
			`{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234569,"firstName":"A"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			sent, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Contact{Card: tt.card, ReplyTo: tt.reply})
			require.NoError(t, err)
			got := srv.SentMessages()
			require.Len(t, got, 1)
			assert.Equal(t, sent.ID, got[0].ID)
			assert.Equal(t, "sendContact", got[0].Method)
			assert.Equal(t, tt.reply, got[0].QuotedMessageID)
			assert.Equal(t, tt.want, *got[0].Contact)
			calls := srv.Calls()
			require.Len(t, calls, 1)
			assert.JSONEq(t, tt.wire, string(calls[0].Body))
			// phoneContact is a JSON integer, not a string.
			var raw struct {
				Contact struct {
					PhoneContact json.RawMessage `json:"phoneContact"`
				} `json:"contact"`
			}
			require.NoError(t, json.Unmarshal(calls[0].Body, &raw))
			assert.NotContains(t, string(raw.Contact.PhoneContact), `"`)
		})
	}
}

func TestSendRefusedBeforeAnyRequest(t *testing.T) {
	bad := card(t, "BEGIN:VCARD\nVERSION:3.0\nFN:Short\nTEL:12345\nEND:VCARD")
	require.Error(t, bad.Phones[0].Err)
	tests := []struct {
		name   string
		chat   string
		out    cardbot.Outgoing
		target []error
	}{
		{"card without a usable number", "79001234567@c.us", cardbot.Contact{Card: bad},
			[]error{greenapi.ErrValidation, cardbot.ErrNoUsableNumber, contactcard.ErrInvalidPhone}},
		{"card without a phone", "79001234567@c.us", cardbot.Contact{Card: contactcard.Card{FormattedName: "Nobody"}},
			[]error{greenapi.ErrValidation, cardbot.ErrNoUsableNumber}},
		{"empty text", "79001234567@c.us", cardbot.Text{Body: "  "}, []error{greenapi.ErrValidation}},
		{"text over 20000 characters", "79001234567@c.us", cardbot.Text{Body: strings.Repeat("я", 20001)}, []error{greenapi.ErrValidation, cardbot.ErrTextTooLong}},
		{"empty chat", "", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"wrong suffix", "79001234567@s.whatsapp.net", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"letters before @c.us", "ivan@c.us", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"not a number", "ivan", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation, contactcard.ErrInvalidPhone}},
		{"too short a number", "12345", cardbot.Text{Body: "hi"}, []error{greenapi.ErrValidation}},
		{"nil outgoing", "79001234567@c.us", nil, []error{greenapi.ErrValidation}},
		{"a card's number too long to send", "79001234567@c.us",
			cardbot.Contact{Card: contactcard.Card{FormattedName: "Long", Phones: []contactcard.Phone{{Raw: "+7" + strings.Repeat("9", 20), Number: "+7" + strings.Repeat("9", 20)}}}},
			[]error{greenapi.ErrValidation, cardbot.ErrNoUsableNumber}},
		{"a card's number of zeros", "79001234567@c.us",
			cardbot.Contact{Card: contactcard.Card{FormattedName: "Zero", Phones: []contactcard.Phone{{Raw: "000", Number: "000"}}}},
			[]error{greenapi.ErrValidation, cardbot.ErrNoUsableNumber}},
		{"a good card to a bad chat", "ivan@c.us", cardbot.Contact{Card: card(t, "BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nTEL:+79001234567\nEND:VCARD")},
			[]error{greenapi.ErrValidation}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			_, err := c.Send(t.Context(), tt.chat, tt.out)
			require.Error(t, err)
			for _, target := range tt.target {
				assert.ErrorIs(t, err, target)
			}
			assert.False(t, cardbot.IsRetryable(err))
			assert.Empty(t, srv.Calls(), "no request may reach the server")
		})
	}

	t.Run("the phone error says which number and why", func(t *testing.T) {
		srv := newServer(t)
		_, err := newClient(t, srv).Send(t.Context(), "79001234567@c.us", cardbot.Contact{Card: bad})
		var pe *contactcard.PhoneError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "12345", pe.Raw)
		assert.Contains(t, err.Error(), "12345")
	})
}

func TestSendMaxTextLength(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, func(cfg *greenapi.Config) { cfg.MaxTextLength = 4000 })
	_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: strings.Repeat("a", 4001)})
	require.ErrorIs(t, err, greenapi.ErrValidation)
	assert.Empty(t, srv.Calls())
}

func TestSendThroughBot(t *testing.T) {
	// cardbot's own check and the provider agree on the same card.
	srv := newServer(t)
	c := newClient(t, srv)
	b := cardbot.New(cardbot.WithProviders(c))
	_, err := b.Send(t.Context(), "greenapi", "79001234567", cardbot.Text{Body: "hi"})
	require.NoError(t, err)
	got := srv.SentMessages()
	require.Len(t, got, 1)
	assert.Equal(t, "79001234567@c.us", got[0].ChatID)
}

func TestSendRefusalIsNoAPIError(t *testing.T) {
	// A request the client refuses is told apart from a server refusal.
	srv := newServer(t)
	c := newClient(t, srv)
	_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.Text{Body: strings.Repeat("x", 30000)})
	var ae *greenapi.APIError
	assert.False(t, errors.As(err, &ae), "a refused request is no API error")
}
