package aitu_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
)

func card(first, last, number string) contactcard.Card {
	return contactcard.Card{
		FormattedName: strings.TrimSpace(first + " " + last), FirstName: first, LastName: last,
		Phones: []contactcard.Phone{{Raw: "+" + number, Number: number}},
	}
}

func TestSend(t *testing.T) {
	registered := card("Alex", "Key", "77011234568")
	registered.Accounts = map[string]string{contactcard.MessengerAitu: regUserID}
	fnOnly := contactcard.Card{FormattedName: "Aigerim", Phones: []contactcard.Phone{{Number: "77011234567"}}}
	company := contactcard.Card{Company: "KFC", Phones: []contactcard.Phone{{Number: "77272000000"}}}
	middle := contactcard.Card{FirstName: "Ivan", MiddleName: "Petrovich", LastName: "Sidorov", Phones: []contactcard.Phone{{Number: "77011234567"}}}
	tests := []struct {
		name   string
		chat   string
		out    cardbot.Outgoing
		plus   bool
		want   aitu.Command // without LocalID
		wantCT *aitu.InputContact
	}{
		{name: "text to a user", chat: "USER:" + userID, out: cardbot.Text{Body: "hello"},
			want: aitu.Command{Type: "SendMessage", Recipient: aitu.Peer{Type: "USER", ID: userID}}},
		{name: "text to a group keeps GROUP", chat: "GROUP:" + groupID, out: cardbot.Text{Body: "hello", ReplyTo: messageID},
			want: aitu.Command{Type: "SendMessage", Recipient: aitu.Peer{Type: "GROUP", ID: groupID}, ReplyToMessageID: messageID}},
		{name: "text to a channel keeps CHANNEL", chat: "channel:" + channelID, out: cardbot.Text{Body: "hello"},
			want: aitu.Command{Type: "SendMessage", Recipient: aitu.Peer{Type: "CHANNEL", ID: channelID}}},
		{name: "unregistered contact", chat: "GROUP:" + groupID, out: cardbot.Contact{Card: card("Alexandr", "", "77011234567")},
			want:   aitu.Command{Type: "SendContactMessage", Recipient: aitu.Peer{Type: "GROUP", ID: groupID}},
			wantCT: &aitu.InputContact{ContactType: "InputUnregisteredContact", FirstName: "Alexandr", PhoneNumber: "77011234567"}},
		{name: "unregistered contact with plus", chat: "USER:" + userID, out: cardbot.Contact{Card: card("A", "B", "77011234567")}, plus: true,
			want:   aitu.Command{Type: "SendContactMessage", Recipient: aitu.Peer{Type: "USER", ID: userID}},
			wantCT: &aitu.InputContact{ContactType: "InputUnregisteredContact", FirstName: "A", LastName: "B", PhoneNumber: "+77011234567"}},
		{name: "registered contact", chat: "CHANNEL:" + channelID, out: cardbot.Contact{Card: registered},
			want: aitu.Command{Type: "SendContactMessage", Recipient: aitu.Peer{Type: "CHANNEL", ID: channelID}},
			wantCT: &aitu.InputContact{ContactType: "InputRegisteredContact", UserID: regUserID,
				FirstName: "Alex", LastName: "Key", PhoneNumber: "77011234568"}},
		{name: "FN when no N", chat: "USER:" + userID, out: cardbot.Contact{Card: fnOnly},
			want:   aitu.Command{Type: "SendContactMessage", Recipient: aitu.Peer{Type: "USER", ID: userID}},
			wantCT: &aitu.InputContact{ContactType: "InputUnregisteredContact", FirstName: "Aigerim", PhoneNumber: "77011234567"}},
		{name: "company when no name", chat: "USER:" + userID, out: cardbot.Contact{Card: company},
			want:   aitu.Command{Type: "SendContactMessage", Recipient: aitu.Peer{Type: "USER", ID: userID}},
			wantCT: &aitu.InputContact{ContactType: "InputUnregisteredContact", FirstName: "KFC", PhoneNumber: "77272000000"}},
		{name: "middle name joins the first", chat: "USER:" + userID, out: cardbot.Contact{Card: middle},
			want: aitu.Command{Type: "SendContactMessage", Recipient: aitu.Peer{Type: "USER", ID: userID}},
			wantCT: &aitu.InputContact{ContactType: "InputUnregisteredContact", FirstName: "Ivan Petrovich", LastName: "Sidorov",
				PhoneNumber: "77011234567"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv, func(cfg *aitu.Config) { cfg.PhonePlus = tt.plus })
			sent, err := c.Send(t.Context(), tt.chat, tt.out)
			require.NoError(t, err)
			cmds := srv.SentMessages()
			require.Len(t, cmds, 1)
			got := cmds[0].Command
			assert.Len(t, got.LocalID, 36)
			assert.Equal(t, got.LocalID, sent.ID, "SentMessage.ID is the localId")
			got.LocalID = ""
			if txt, ok := tt.out.(cardbot.Text); ok {
				require.NotNil(t, got.Content)
				assert.Equal(t, txt.Body, *got.Content)
				got.Content = nil
			}
			assert.Equal(t, tt.wantCT, got.InputMedia)
			got.InputMedia = nil
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSendRefusesBeforeAnyRequest(t *testing.T) {
	noPhone := contactcard.Card{FormattedName: "Nobody"}
	badPhone := contactcard.Card{FormattedName: "Short", Phones: []contactcard.Phone{{Raw: "7797",
		Err: &contactcard.PhoneError{Raw: "7797", Reason: "too short", Err: contactcard.ErrInvalidPhone}}}}
	badAccount := card("A", "B", "77011234567")
	badAccount.Accounts = map[string]string{contactcard.MessengerAitu: "12345"}
	tests := []struct {
		name  string
		chat  string
		out   cardbot.Outgoing
		extra error
		long  int // the length of a text over the limit, in UTF-16 units
	}{
		{name: "bare uuid", chat: userID, out: cardbot.Text{Body: "hi"}},
		{name: "bot peer", chat: "BOT:" + userID, out: cardbot.Text{Body: "hi"}},
		{name: "not a uuid", chat: "USER:123", out: cardbot.Text{Body: "hi"}},
		{name: "empty text", chat: "USER:" + userID, out: cardbot.Text{Body: "  "}},
		{name: "text over 4096", chat: "USER:" + userID, out: cardbot.Text{Body: strings.Repeat("я", 4097)}, long: 4097},
		{name: "emoji count twice", chat: "USER:" + userID, out: cardbot.Text{Body: strings.Repeat("😀", 2049)}, long: 4098},
		{name: "reply-to not a uuid", chat: "USER:" + userID, out: cardbot.Text{Body: "hi", ReplyTo: "42"}},
		{name: "no phone", chat: "USER:" + userID, out: cardbot.Contact{Card: noPhone}, extra: cardbot.ErrNoUsableNumber},
		{name: "bad phone", chat: "USER:" + userID, out: cardbot.Contact{Card: badPhone}, extra: contactcard.ErrInvalidPhone},
		{name: "aitu id not a uuid", chat: "USER:" + userID, out: cardbot.Contact{Card: badAccount}},
		{name: "nil", chat: "USER:" + userID, out: nil},
	}
	srv := newServer(t)
	c := newClient(t, srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Send(t.Context(), tt.chat, tt.out)
			require.ErrorIs(t, err, aitu.ErrValidation)
			if tt.extra != nil {
				require.ErrorIs(t, err, tt.extra)
				require.ErrorIs(t, err, cardbot.ErrNoUsableNumber)
			}
			if tt.long != 0 {
				var te *cardbot.TextTooLongError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, cardbot.TextTooLongError{Length: tt.long, Limit: cardbot.TextLimit{Max: 4096, UTF16: true}}, *te)
				assert.ErrorIs(t, err, cardbot.ErrTextTooLong)
			}
		})
	}
	assert.Empty(t, srv.Calls(), "no request was made")

	// 4096 is fine, and so are 2048 emoji.
	_, err := c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: strings.Repeat("я", 4096)})
	require.NoError(t, err)
	_, err = c.Send(t.Context(), "USER:"+userID, cardbot.Text{Body: strings.Repeat("😀", 2048)})
	require.NoError(t, err)
}

func TestServerRefusesPeerTypeMismatch(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	srv.AddPeer(aitu.PeerGroup, groupID)
	_, err := c.Send(t.Context(), "USER:"+groupID, cardbot.Text{Body: "hi"})
	require.ErrorIs(t, err, aitu.ErrValidation)
	assert.Contains(t, err.Error(), "doesn't match")
	assert.Len(t, srv.Calls(), 1, "a 400 is not retried")
	_, err = c.Send(t.Context(), "GROUP:"+groupID, cardbot.Text{Body: "hi"})
	require.NoError(t, err)
}
