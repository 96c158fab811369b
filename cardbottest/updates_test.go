package cardbottest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
)

const annVCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nTEL:+77011234567\r\nEND:VCARD\r\n"

// Each builder's update reaches the route of its kind, with the defaults.
func TestBuildersReachTheirRoutes(t *testing.T) {
	tests := []struct {
		name  string
		u     cardbot.Update
		route cardbot.Event
		reply string // the id Reply quotes
	}{
		{"text", cardbottest.Text("hi"), cardbot.OnText, cardbottest.MessageID},
		{"contact", cardbottest.Contact(annVCard), cardbot.OnContact, cardbottest.MessageID},
		{"contacts", cardbottest.Contacts([]cardbot.VCardRef{{DisplayName: "Ann", Phone: "+77011234567"}}), cardbot.OnContact, cardbottest.MessageID},
		{"document", cardbottest.Document(cardbot.Document{FileName: "a.pdf"}, "the plan"), cardbot.OnDocument, cardbottest.MessageID},
		{"location", cardbottest.Location(cardbot.Location{Latitude: 43.2, Longitude: 76.9}), cardbot.OnLocation, cardbottest.MessageID},
		{"poll", cardbottest.Poll(cardbot.Poll{Question: "When?", Options: []string{"now", "later"}}), cardbot.OnPoll, cardbottest.MessageID},
		{"sticker", cardbottest.Sticker(cardbot.Sticker{Animated: true}), cardbot.OnSticker, cardbottest.MessageID},
		{"button", cardbottest.ButtonPress("yes", "Yes"), cardbot.OnButton, cardbottest.MessageID},
		{"form", cardbottest.Form("f1", cardbot.FormSubmitted), cardbot.OnForm, cardbottest.MessageID},
		{"edit", cardbottest.Edit("fixed"), cardbot.OnEdited, cardbottest.EarlierID},
		{"deletion", cardbottest.Deletion(), cardbot.OnDeleted, ""},
		{"reaction", cardbottest.Reaction("👍"), cardbot.OnReaction, cardbottest.EarlierID},
		{"poll vote", cardbottest.PollVote("When?", []string{"now"}), cardbot.OnPollVote, cardbottest.EarlierID},
		{"status", cardbottest.Status("read"), cardbot.OnStatus, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cardbottest.NewProvider("alpha")
			p.AddFile("a.pdf", "%PDF")
			b := cardbottest.NewBot()
			var got *cardbot.Update
			b.Handle(tt.route, func(c *cardbot.Context) error {
				got = c.Update()
				return c.Reply("ok")
			})
			b.Handle(cardbot.OnAny, func(*cardbot.Context) error {
				t.Errorf("%s reached OnAny, not %v", tt.name, tt.route)
				return nil
			})
			sent, err := cardbottest.Dispatch(t.Context(), b, p, tt.u)
			require.NoError(t, err)
			require.NotNil(t, got)
			assert.Equal(t, "alpha", got.Provider, "Dispatch names the provider")
			assert.Equal(t, cardbottest.ChatID, got.Chat.ID)
			assert.Equal(t, cardbot.User{ID: cardbottest.UserID, Name: cardbottest.UserName}, got.Sender)
			assert.Empty(t, got.Key)
			assert.Equal(t, []cardbottest.Sent{{Chat: cardbottest.ChatID, Out: cardbot.Text{Body: "ok", ReplyTo: tt.reply}}}, sent)
		})
	}
}

func TestEventReachesOnAny(t *testing.T) {
	raw := []byte(`{"typeWebhook":"stateInstanceChanged"}`)
	var got cardbot.Update
	_, err := cardbottest.Handle(t.Context(), func(c *cardbot.Context) error {
		got = *c.Update()
		return nil
	}, cardbottest.NewProvider(""), cardbottest.Event(raw))
	require.NoError(t, err)
	assert.Equal(t, cardbot.KindOther, got.Kind)
	assert.JSONEq(t, string(raw), string(got.Raw))
	assert.Nil(t, got.Message)
}

func TestUpdateOptions(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	u := cardbottest.Text("hi",
		cardbottest.WithKey("k1"),
		cardbottest.WithChat(cardbot.Chat{ID: "g1", Kind: cardbot.ChatGroup}),
		cardbottest.WithSender(cardbot.User{ID: "u2"}),
		cardbottest.WithProvider("beta"),
		cardbottest.WithMessageID("m9"),
		cardbottest.WithTime(at),
		cardbottest.WithRaw([]byte(`{}`)),
		cardbottest.WithReplyTo(cardbot.Quote{ID: "m8", Text: "earlier"}),
	)
	assert.Equal(t, cardbot.Update{
		Provider: "beta", Kind: cardbot.KindMessage, Key: "k1",
		Chat: cardbot.Chat{ID: "g1", Kind: cardbot.ChatGroup}, Sender: cardbot.User{ID: "u2"},
		Message: &cardbot.Message{ID: "m9", Type: "textMessage", Text: "hi", ReplyTo: &cardbot.Quote{ID: "m8", Text: "earlier"}},
		Time:    at, Raw: []byte(`{}`),
	}, u)

	// The options about a message do nothing to an update without one.
	s := cardbottest.Status("read", cardbottest.WithMessageID("m9"), cardbottest.WithReplyTo(cardbot.Quote{}))
	assert.Nil(t, s.Message)
	assert.Equal(t, &cardbot.Status{MessageID: cardbottest.EarlierID, Name: "read"}, s.Status)
}
