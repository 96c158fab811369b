package contracttest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// The chats of the contract, one per messenger.
const (
	waChat  = "79001234567@c.us"
	maxChat = "10000001"
	tgChat  = "20000001"
)

// A WhatsApp contact's vCard, as WhatsApp writes one.
const annaVCard = "BEGIN:VCARD\nVERSION:3.0\nN:;Anna;;;\nFN:Anna\nTEL;type=CELL;type=VOICE;waid=79001112233:+7 900 111-22-33\nEND:VCARD"

// pdf is a document's content; nobody opens it.
var pdf = []byte("%PDF-1.4\n")

// webp is the start of a WebP file, enough for a sticker nobody opens.
var webp = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

// TestEveryKindThroughEveryMessenger delivers each kind of update each
// messenger has, built by its fake as the provider sends it, to the
// contract bot's webhook route over HTTP (text, documents and contacts
// everywhere; edits and deletions on WhatsApp and MAX; reactions and
// locations on the three GREEN-API messengers; polls and stickers on
// WhatsApp and Telegram; poll votes and buttons on WhatsApp; Aitu's edits,
// quick buttons, inline commands and forms): the update reaches the handler
// of its kind, and the answer goes out through the fake of the same
// messenger, to the same chat, and through no other. A deletion runs its
// handler and gets no answer; an edit is never taken for a new text, even
// when its new text is a command.
func TestEveryKindThroughEveryMessenger(t *testing.T) {
	f := newFixture(t)
	wa, mx, tg, ai := f.wa, f.max, f.tg, f.ai
	waIn := greenapitest.Incoming{ChatID: waChat}
	mxIn := greenapitest.Incoming{ChatID: maxChat, SenderPhone: "79001234567"}
	tgIn := greenapitest.Incoming{ChatID: tgChat}
	aiChat := aitu.ChatID(aitu.PeerUser, aitutest.NewUUID())
	aiIn := aitutest.Incoming{ChatID: aiChat}
	aiMsg := aitutest.Incoming{ChatID: aiChat, MessageID: aitutest.NewUUID()}

	tests := []struct {
		messenger *messenger
		kind      string
		body      []byte
		handler   cardbot.Event
		want      string // the answer; "" for none
	}{
		{f.whatsapp, "text", wa.IncomingText(waIn, "hello"), cardbot.OnText, "text: hello"},
		{f.whatsapp, "contact", wa.IncomingContact(waIn, "Anna", annaVCard), cardbot.OnContact, "contact: 79001112233"},
		{f.whatsapp, "document", wa.IncomingDocument(waIn, "price.pdf", "application/pdf", pdf), cardbot.OnDocument, "document price.pdf application/pdf"},
		{f.whatsapp, "edit", wa.IncomingEdit(waIn, "W1", "/card 79001112233"), cardbot.OnEdited, "edited W1: /card 79001112233"},
		{f.whatsapp, "deletion", wa.IncomingDeletion(waIn, "W2"), cardbot.OnDeleted, ""},
		{f.whatsapp, "reaction", wa.IncomingReaction(waIn, "W3", "", "👍"), cardbot.OnReaction, "reaction 👍 on W3"},
		{f.whatsapp, "location", wa.IncomingLocation(waIn, 55.7539, 37.6208, "Red Square", "Moscow"), cardbot.OnLocation, "location 55.7539,37.6208 Red Square"},
		{f.whatsapp, "poll", wa.IncomingPoll(waIn, "Which number?", []string{"Mobile", "Work"}, false), cardbot.OnPoll, "poll Which number? [Mobile Work]"},
		{f.whatsapp, "poll vote", wa.IncomingPollVote(waIn, "W4", "Which number?", []string{"Mobile", "Work"}, []string{"Work"}), cardbot.OnPollVote, "vote in W4: [Work]"},
		{f.whatsapp, "sticker", wa.IncomingSticker(waIn, "s.webp", "image/webp", false, webp), cardbot.OnSticker, "sticker s.webp"},
		{f.whatsapp, "button", wa.IncomingButtonReply(waIn, "W5", 1, "work", "Work"), cardbot.OnButton, "button work Work"},

		{f.maxm, "text", mx.IncomingText(mxIn, "hello"), cardbot.OnText, "text: hello"},
		{f.maxm, "contact", mx.IncomingMAXContact(mxIn, "Anna", "10000002", "79001112233"), cardbot.OnContact, "contact: 79001112233"},
		{f.maxm, "document", mx.IncomingDocument(mxIn, "price.pdf", "application/pdf", pdf), cardbot.OnDocument, "document price.pdf application/pdf"},
		{f.maxm, "edit", mx.IncomingEdit(mxIn, "M1", "/card 79001112233"), cardbot.OnEdited, "edited M1: /card 79001112233"},
		{f.maxm, "deletion", mx.IncomingDeletion(mxIn, "M2"), cardbot.OnDeleted, ""},
		{f.maxm, "reaction", mx.IncomingReaction(mxIn, "M3", "", "🔥"), cardbot.OnReaction, "reaction 🔥 on M3"},
		{f.maxm, "location", mx.IncomingLocation(mxIn, 53.9006, 27.5590, "", ""), cardbot.OnLocation, "location 53.9006,27.5590 "},

		{f.tgm, "text", tg.IncomingText(tgIn, "hello"), cardbot.OnText, "text: hello"},
		{f.tgm, "contact", tg.IncomingTelegramContact(tgIn, "Anna", "Petrova", "79001112233", "20000002"), cardbot.OnContact, "contact: 79001112233"},
		{f.tgm, "document", tg.IncomingDocument(tgIn, "price.pdf", "application/pdf", pdf), cardbot.OnDocument, "document price.pdf application/pdf"},
		{f.tgm, "reaction", tg.IncomingReaction(tgIn, "301", "", "❤"), cardbot.OnReaction, "reaction ❤ on 301"},
		{f.tgm, "location", tg.IncomingLocation(tgIn, 43.2389, 76.8897, "Almaty", ""), cardbot.OnLocation, "location 43.2389,76.8897 Almaty"},
		{f.tgm, "poll", tg.IncomingPoll(tgIn, "Tea or coffee?", []string{"Tea", "Coffee"}, true), cardbot.OnPoll, "poll Tea or coffee? [Tea Coffee]"},
		{f.tgm, "sticker", tg.IncomingSticker(tgIn, "AnimatedSticker.tgs", "application/x-tgsticker", true, []byte("tgs")), cardbot.OnSticker, "sticker AnimatedSticker.tgs"},

		{f.aitum, "text", ai.IncomingText(aiIn, "hello"), cardbot.OnText, "text: hello"},
		{f.aitum, "contact", ai.IncomingUnregisteredContact(aiIn, "Aigerim", "Nurlanovna", "+77011234567"), cardbot.OnContact, "contact: 77011234567"},
		{f.aitum, "document", ai.IncomingDocument(aiIn, "price.pdf", "application/pdf", pdf), cardbot.OnDocument, "document price.pdf application/pdf"},
		{f.aitum, "edit", ai.IncomingEdit(aiMsg, "/card 77011234567"), cardbot.OnEdited, "edited " + aiMsg.MessageID + ": /card 77011234567"},
		{f.aitum, "quick button", ai.IncomingQuickButton(aiIn, "yes"), cardbot.OnButton, "button yes "},
		{f.aitum, "inline command", ai.IncomingInlineCommand(aiMsg, "more", "Show more"), cardbot.OnButton, "button more Show more"},
		{f.aitum, "form", ai.IncomingFormSubmitted(aiIn, "F1", "send", `{"name":"Aigerim"}`), cardbot.OnForm, "form F1 submitted send"},
	}
	chats := map[*messenger]string{f.whatsapp: waChat, f.maxm: maxChat, f.tgm: tgChat, f.aitum: aiChat}
	for _, tt := range tests {
		t.Run(tt.messenger.label+"/"+tt.kind, func(t *testing.T) {
			before := f.sentCounts()
			seen, errs := f.bot.counts()

			require.NoError(t, tt.messenger.push(t.Context(), tt.body))

			ran, failed := f.bot.since(seen, errs)
			assert.Equal(t, []cardbot.Event{tt.handler}, ran, "the handler of the kind, and no other")
			assert.Empty(t, failed, "no command ran")
			got := tt.messenger.sent()[before[tt.messenger]:]
			if tt.want == "" {
				assert.Empty(t, got, "no answer")
			} else {
				require.Len(t, got, 1, "one answer")
				assert.Equal(t, sent{Method: sendMethod(tt.messenger, f), Chat: chats[tt.messenger], Text: tt.want}, got[0])
			}
			for _, other := range f.messengers() {
				if other != tt.messenger {
					assert.Len(t, other.sent(), before[other], "nothing sent through %s", other.label)
				}
			}
		})
	}
}

// sendMethod is the method a text answer goes out with on m.
func sendMethod(m *messenger, f *fixture) string {
	if m == f.aitum {
		return aitu.CommandSendMessage
	}
	return "sendMessage"
}
