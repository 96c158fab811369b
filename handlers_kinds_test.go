package cardbot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// kindRoutes are the events of the kinds and contents added after the
// first six, by the names register knows them by.
var kindRoutes = map[string]cardbot.Event{
	"edited": cardbot.OnEdited, "deleted": cardbot.OnDeleted, "reaction": cardbot.OnReaction,
	"pollvote": cardbot.OnPollVote, "location": cardbot.OnLocation, "poll": cardbot.OnPoll,
	"sticker": cardbot.OnSticker, "button": cardbot.OnButton, "form": cardbot.OnForm,
}

func registerKind(b *cardbot.Bot, name string, h cardbot.HandlerFunc) {
	if ev, ok := kindRoutes[name]; ok {
		b.Handle(ev, h)
	}
}

// everything is every route, the most specific last.
var everything = append([]string{"edited", "deleted", "reaction", "pollvote", "location", "poll", "sticker", "button", "form"}, all...)

func TestRoutingOfKinds(t *testing.T) {
	upd := func(k cardbot.UpdateKind, m cardbot.Message) cardbot.Update {
		return cardbot.Update{Kind: k, Chat: cardbot.Chat{ID: "c"}, Message: &m}
	}
	msg := func(m cardbot.Message) cardbot.Update { return upd(cardbot.KindMessage, m) }
	edit := func(text string) cardbot.Update {
		return upd(cardbot.KindEdit, cardbot.Message{ID: "e1", Text: text, Replaces: "m1"})
	}
	deletion := upd(cardbot.KindDeletion, cardbot.Message{ID: "d1", Deletes: "m1"})
	reaction := upd(cardbot.KindReaction, cardbot.Message{Reaction: &cardbot.Reaction{MessageID: "m1", Emoji: "👍"}})
	vote := upd(cardbot.KindPollVote, cardbot.Message{PollVote: &cardbot.PollVote{PollID: "p1", Chosen: []string{"Work"}}})
	location := msg(cardbot.Message{Location: &cardbot.Location{Latitude: 1, Longitude: 2}})
	sticker := msg(cardbot.Message{Sticker: &cardbot.Sticker{Document: cardbot.Document{FileName: "a.webp"}}})
	button := msg(cardbot.Message{Button: &cardbot.Button{ID: "1", Label: "Green"}})
	tests := []struct {
		name   string
		routes []string
		update cardbot.Update
		want   string // handler that runs, "" for none
	}{
		{"edit", everything, edit("plain"), "edited"},
		{"an edited command is no command", everything, edit("/start"), "edited"},
		{"an edited text matches no pattern", everything, edit("say hello"), "edited"},
		{"an edit without OnEdited is no text and no message", all, edit("plain"), "any"},
		{"an edit without OnEdited or OnAny runs nothing", []string{"text", "message", "command", "pattern"}, edit("/start hello"), ""},
		{"predicates see edits", everything, edit("vip"), "predicate"},
		{"own edit", everything, upd(cardbot.KindEdit, cardbot.Message{Text: "plain", Replaces: "m1", FromMe: true}), "any"},
		{"deletion", everything, deletion, "deleted"},
		{"a deletion without OnDeleted is no message", all, deletion, "any"},
		{"reaction", everything, reaction, "reaction"},
		{"a reaction without OnReaction is no message", all, reaction, "any"},
		{"poll vote", everything, vote, "pollvote"},
		{"a poll vote without OnPollVote is no message", all, vote, "any"},
		{"location", everything, location, "location"},
		{"a location without OnLocation is a message", all, location, "message"},
		{"poll", everything, msg(cardbot.Message{Poll: &cardbot.Poll{Question: "?", Options: []string{"a"}}}), "poll"},
		{"sticker", everything, sticker, "sticker"},
		{"a sticker is no document", []string{"document", "message"}, sticker, "message"},
		{"button", everything, button, "button"},
		{"a button without OnButton is a message", all, button, "message"},
		{"form", everything, msg(cardbot.Message{Form: &cardbot.Form{ID: "f", Action: cardbot.FormClosed}}), "form"},
		{"a reply's own text stays text", everything, msg(cardbot.Message{Text: "plain", ReplyTo: &cardbot.Quote{ID: "q", Contacts: []cardbot.VCardRef{{VCard: "x"}}}}), "text"},
		{"an unknown kind goes to OnAny", everything, cardbot.Update{Kind: cardbot.UpdateKind(200), Message: &cardbot.Message{Text: "plain"}}, "any"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			b := newBot()
			register(b, tt.routes, &got)
			require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), tt.update))
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []string{tt.want}, got)
		})
	}
}

func TestEditTextIsTheNewText(t *testing.T) {
	b := newBot()
	var text, replaces string
	b.Handle(cardbot.OnEdited, func(c *cardbot.Context) error {
		text, replaces = c.Text(), c.Message().Replaces
		return nil
	})
	u := cardbot.Update{Kind: cardbot.KindEdit, Chat: cardbot.Chat{ID: "c"},
		Message: &cardbot.Message{ID: "e1", Text: "corrected", Replaces: "m1"}}
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), u))
	assert.Equal(t, "corrected", text)
	assert.Equal(t, "m1", replaces)
}

func TestKindAndEventNames(t *testing.T) {
	for k, want := range map[cardbot.UpdateKind]string{
		cardbot.KindOther: "other", cardbot.KindMessage: "message", cardbot.KindStatus: "status",
		cardbot.KindEdit: "edit", cardbot.KindDeletion: "deletion", cardbot.KindReaction: "reaction",
		cardbot.KindPollVote: "poll vote", cardbot.UpdateKind(200): "other",
	} {
		assert.Equal(t, want, k.String())
	}
	// The first values never change: stored updates keep their kind.
	assert.Equal(t, []cardbot.UpdateKind{0, 1, 2, 3, 4, 5, 6},
		[]cardbot.UpdateKind{cardbot.KindOther, cardbot.KindMessage, cardbot.KindStatus, cardbot.KindEdit,
			cardbot.KindDeletion, cardbot.KindReaction, cardbot.KindPollVote})
	assert.Equal(t, "OnEdited", cardbot.OnEdited.String())
	assert.Equal(t, "OnForm", cardbot.OnForm.String())
	assert.Equal(t, cardbot.Event(6), cardbot.OnStatus)
}

func TestQuotedContacts(t *testing.T) {
	b := newBot()
	var own, quoted []string
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		cards, err := c.Contacts()
		require.NoError(t, err)
		for _, cd := range cards {
			own = append(own, cd.FormattedName)
		}
		cards, err = c.QuotedContacts()
		require.NoError(t, err)
		for _, cd := range cards {
			quoted = append(quoted, cd.FormattedName+" "+cd.Phones[0].Number)
		}
		return nil
	})
	u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{
		Text: "call her",
		ReplyTo: &cardbot.Quote{ID: "q", Type: "contactMessage", Contacts: []cardbot.VCardRef{
			{DisplayName: "Ann", VCard: "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nTEL:+7 900 765-43-21\nEND:VCARD\n"},
		}},
	}}
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), u))
	assert.Empty(t, own)
	assert.Equal(t, []string{"Ann Lee 79007654321"}, quoted)
}

// TestReplyQuotesTheEarlierMessage: a reply to an edit, a reaction or a
// vote quotes the message it is about, not the event's own id; a reply to
// a deletion quotes nothing.
func TestReplyQuotesTheEarlierMessage(t *testing.T) {
	tests := []struct {
		name string
		u    cardbot.Update
		want string
	}{
		{"message", cardbot.Update{Kind: cardbot.KindMessage, Message: &cardbot.Message{ID: "m1", Text: "x"}}, "m1"},
		{"edit", cardbot.Update{Kind: cardbot.KindEdit, Message: &cardbot.Message{ID: "e1", Replaces: "m1"}}, "m1"},
		{"deletion", cardbot.Update{Kind: cardbot.KindDeletion, Message: &cardbot.Message{ID: "d1", Deletes: "m1"}}, ""},
		{"reaction", cardbot.Update{Kind: cardbot.KindReaction, Message: &cardbot.Message{ID: "r1",
			Reaction: &cardbot.Reaction{MessageID: "m1", Emoji: "👍"}}}, "m1"},
		{"poll vote", cardbot.Update{Kind: cardbot.KindPollVote, Message: &cardbot.Message{ID: "v1",
			PollVote: &cardbot.PollVote{PollID: "p1"}}}, "p1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFake("fake")
			tt.u.Chat = cardbot.Chat{ID: "c"}
			require.NoError(t, cardbot.NewContext(t.Context(), newBot(), p, &tt.u).Reply("ok"))
			require.Len(t, p.Sent(), 1)
			assert.Equal(t, cardbot.Text{Body: "ok", ReplyTo: tt.want}, p.Sent()[0].Out)
		})
	}
}

// TestKindsSurviveTheQueue: what a queue stores of an edit, a vote or a
// typed message reads back the same, so async delivery routes it alike.
func TestKindsSurviveTheQueue(t *testing.T) {
	for _, u := range []cardbot.Update{
		{Kind: cardbot.KindEdit, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{ID: "e1", Text: "new", Replaces: "m1"}},
		{Kind: cardbot.KindDeletion, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{ID: "d1", Deletes: "m1"}},
		{Kind: cardbot.KindReaction, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{Reaction: &cardbot.Reaction{MessageID: "m1", Emoji: "👍"}}},
		{Kind: cardbot.KindPollVote, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{PollVote: &cardbot.PollVote{
			PollID: "p", Question: "Q", Chosen: []string{"A"}, Votes: []cardbot.PollOption{{Name: "A", Voters: []string{"u"}}}}}},
		{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{
			Location: &cardbot.Location{Latitude: 1.5, Longitude: -2, Name: "N"},
			ReplyTo:  &cardbot.Quote{ID: "q", Type: "contactMessage", Contacts: []cardbot.VCardRef{{VCard: "V"}}}}},
		{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{
			Sticker: &cardbot.Sticker{Document: cardbot.Document{URL: "u"}, Animated: true},
			Button:  &cardbot.Button{ID: "1", Label: "Yes"}, Form: &cardbot.Form{ID: "f", Action: cardbot.FormClosed},
			Poll: &cardbot.Poll{Question: "Q", Options: []string{"A"}}}},
	} {
		b, err := cardbot.EncodeUpdate(&u)
		require.NoError(t, err)
		var got cardbot.Update
		require.NoError(t, cardbot.DecodeUpdate(b, &got))
		assert.Equal(t, u, got)
	}
}

// TestFieldPhoneBacksTheVCard: a provider that sends a contact's number as
// a field beside a vCard whose number does not normalize (MAX: digits
// without "+") still yields a card with a usable number.
func TestFieldPhoneBacksTheVCard(t *testing.T) {
	tests := []struct {
		name string
		ref  cardbot.VCardRef
		want []string // the numbers of the card's phones, "" for a failed one
	}{
		{"vCard number fails, field works", cardbot.VCardRef{VCard: "BEGIN:VCARD\nVERSION:3.0\nFN:Dilnoza\nTEL:998901234567\nEND:VCARD", Phone: "+998901234567"},
			[]string{"", "998901234567"}},
		{"vCard number works", cardbot.VCardRef{VCard: "BEGIN:VCARD\nVERSION:3.0\nFN:Ivan\nTEL:+7 900 123-45-67\nEND:VCARD", Phone: "+79001234599"},
			[]string{"79001234567"}},
		{"no field", cardbot.VCardRef{VCard: "BEGIN:VCARD\nVERSION:3.0\nFN:Dilnoza\nTEL:998901234567\nEND:VCARD"},
			[]string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{Contacts: []cardbot.VCardRef{tt.ref}}}
			cards, err := cardbot.NewContext(t.Context(), newBot(), newFake("fake"), &u).Contacts()
			require.NoError(t, err)
			require.Len(t, cards, 1)
			var got []string
			for _, p := range cards[0].Phones {
				got = append(got, p.Number)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
