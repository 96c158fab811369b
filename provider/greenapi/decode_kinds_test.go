package greenapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestDecodeKinds decodes the docs' own example of every message type
// beyond text, contacts and files: none is a new message when it is about
// an earlier one, and each carries its fields.
func TestDecodeKinds(t *testing.T) {
	chat90 := cardbot.Chat{ID: "71234567890@c.us", Kind: cardbot.ChatPrivate, Title: "Green API"}
	user90 := cardbot.User{ID: "71234567890@c.us", Name: "Green API", Phone: "71234567890"}
	john := cardbot.User{ID: "79876543210@c.us", Name: "John", Phone: "79876543210"}
	johnChat := cardbot.Chat{ID: "79876543210@c.us", Kind: cardbot.ChatPrivate}
	tests := []fixtureTest{
		{"incoming_edited.json", cardbot.Update{
			Kind: cardbot.KindEdit,
			Key:  "1101000001|71234567890@c.us|BAE597DC5CB134F7|incomingMessageReceived|editedMessage",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "BAE597DC5CB134F7", Type: "editedMessage", Text: "New message",
				Replaces: "BAE5AFC355030F7A"},
			Time: unix(1733146115),
		}},
		{"outgoing_edited.json", cardbot.Update{
			Kind: cardbot.KindEdit,
			Key:  "1101000001|71234567890@c.us|10ECA1E0D26FAB972C24C56C8285ACAB|outgoingMessageReceived|editedMessage",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "10ECA1E0D26FAB972C24C56C8285ACAB", Type: "editedMessage",
				Text: "Отредактироанное сообщение", Replaces: "84514217EF972039FC3F68A53C196306", FromMe: true},
			Time: unix(1733146115),
		}},
		{"incoming_deleted.json", cardbot.Update{
			Kind:   cardbot.KindDeletion,
			Key:    "1101000001|71234567890@c.us|10ECA1E0D26FAB972C24C56C8285ACAB|incomingMessageReceived|deletedMessage",
			Chat:   cardbot.Chat{ID: "71234567890@c.us", Kind: cardbot.ChatPrivate, Title: "Ivan"},
			Sender: cardbot.User{ID: "71234567890@c.us", Name: "Ivan", Phone: "71234567890"},
			Message: &cardbot.Message{ID: "10ECA1E0D26FAB972C24C56C8285ACAB", Type: "deletedMessage",
				Deletes: "84514217EF972039FC3F68A53C196306"},
			Time: unix(1733146115),
		}},
		{"incoming_reaction.json", cardbot.Update{
			Kind: cardbot.KindReaction,
			Key:  "1103860726|71234567890@c.us|135499D5547BEBD56EF2B28195659035|incomingMessageReceived|reactionMessage",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "135499D5547BEBD56EF2B28195659035", Type: "reactionMessage",
				Reaction: &cardbot.Reaction{MessageID: "F7AEC1B7086ECDC7E6E45923F5EDB825", SenderID: "71234567890@c.us", Emoji: "👍"}},
			Time: unix(1705895506),
		}},
		{"incoming_poll_update.json", cardbot.Update{
			Kind:   cardbot.KindPollVote,
			Key:    "1234|79001234568@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived|pollUpdateMessage|79001234568@c.us|Variant 2",
			Chat:   cardbot.Chat{ID: "79001234568@c.us", Kind: cardbot.ChatPrivate, Title: "Green API"},
			Sender: cardbot.User{ID: "79001234568@c.us", Name: "Green API", Phone: "79001234568"},
			Message: &cardbot.Message{ID: "F7AEC1B7086ECDC7E6E45923F5EDB825", Type: "pollUpdateMessage",
				PollVote: &cardbot.PollVote{PollID: "BAE53AFDD5F0C000", Question: "Poll Name", Chosen: []string{"Variant 2"},
					Votes: []cardbot.PollOption{{Name: "Variant 1", Voters: []string{}}, {Name: "Variant 2", Voters: []string{"79001234568@c.us"}}}}},
			Time: unix(1588091580),
		}},
		{"incoming_sticker.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|20FC3FA19A1B18DED27E8CCB2CB7800D|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "20FC3FA19A1B18DED27E8CCB2CB7800D", Type: "stickerMessage",
				Sticker: &cardbot.Sticker{Document: cardbot.Document{
					ID:       "71234567890@c.us/20FC3FA19A1B18DED27E8CCB2CB7800D",
					FileName: "a0128ca6-be8d-4813-9af7-54cdaf384317.webp", MIMEType: "image/webp",
					URL: "https://sw-media-1101.storage.yandexcloud.net/1101000001/a0128ca6-be8d-4813-9af7-54cdaf384317.webp",
				}}},
			Time: unix(1705522618),
		}},
		{"incoming_interactive_buttons_response.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|9EC825ACAB511DBFF27750DD0B4AFAE6|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "9EC825ACAB511DBFF27750DD0B4AFAE6", Type: "interactiveButtonsResponse",
				Button: &cardbot.Button{ID: "2", Label: "Second Button", MessageID: "BAE5FB1FDA0E58E8"}},
			Time: unix(1749208313),
		}},
		{"outgoing_interactive_buttons_response.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|9EC825ACAB511DBFF27750DD0B4AFAE5|outgoingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "9EC825ACAB511DBFF27750DD0B4AFAE5", Type: "interactiveButtonsResponse", FromMe: true,
				Button: &cardbot.Button{ID: "2", Label: "Second Button", MessageID: "BAE5FB1FDA0E58E8"}},
			Time: unix(1749208313),
		}},
		{"incoming_interactive_buttons.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|BAE5BBB8415CF1AA|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "BAE5BBB8415CF1AA", Type: "interactiveButtons",
				Text: "I use Green-API to send this message to you!"},
			Time: unix(1749207532),
		}},
		{"incoming_interactive_buttons_reply.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|BAE5BBB8415CF1AB|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "BAE5BBB8415CF1AB", Type: "interactiveButtonsReply", Text: "Which card do you need?"},
			Time:    unix(1749207533),
		}},
		{"incoming_buttons_response.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|79876543210@c.us|9BB19BB0D568BA7B185EEAD21A33D317|incomingMessageReceived",
			Chat: johnChat, Sender: john,
			Message: &cardbot.Message{ID: "9BB19BB0D568BA7B185EEAD21A33D317", Type: "buttonsResponseMessage",
				Button: &cardbot.Button{ID: "1", Label: "Green", MessageID: "BAE53AFDD5F0C137"}},
			Time: unix(1656315272),
		}},
		{"incoming_template_button_reply.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "1101000001|11001234567@c.us|9BB19BB0D568BA7B185EEAD21A33D317|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "11001234567@c.us", Kind: cardbot.ChatPrivate},
			Sender: cardbot.User{ID: "11001234567@c.us", Name: "GREEN-API", Phone: "11001234567"},
			Message: &cardbot.Message{ID: "9BB19BB0D568BA7B185EEAD21A33D317", Type: "templateButtonReplyMessage",
				Button: &cardbot.Button{ID: "id1", Label: "red", MessageID: "BAE53AFDD5F0C137"}},
			Time: unix(1656315272),
		}},
		{"incoming_template_buttons_reply.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "1101000001|11001234567@c.us|9BB19BB0D568BA7B185EEAD21A33D318|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "11001234567@c.us", Kind: cardbot.ChatPrivate},
			Sender: cardbot.User{ID: "11001234567@c.us", Name: "GREEN-API", Phone: "11001234567"},
			Message: &cardbot.Message{ID: "9BB19BB0D568BA7B185EEAD21A33D318", Type: "templateButtonsReplyMessage",
				Button: &cardbot.Button{ID: "id1", Label: "red", MessageID: "BAE53AFDD5F0C137"}},
			Time: unix(1656315272),
		}},
		{"incoming_list_response.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|79876543210@c.us|A36C68A09C54796295FCAD20C15C534C|incomingMessageReceived",
			Chat: johnChat, Sender: john,
			Message: &cardbot.Message{ID: "A36C68A09C54796295FCAD20C15C534C", Type: "listResponseMessage",
				Button: &cardbot.Button{ID: "option2", Label: "Option 2", MessageID: "BAE53AFDD5F0C137"}},
			Time: unix(1657025112),
		}},
		{"incoming_quoted_current.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|165682394AEEFFB519B13DD51491DF65|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "165682394AEEFFB519B13DD51491DF65", Type: "quotedMessage", Text: "Quoting a text message",
				ReplyTo: &cardbot.Quote{ID: "3EB063C771F28EB323FAE3", SenderID: "71234567890@c.us", Type: "textMessage",
					Text: "Hello! This is a text message."}},
			Time: unix(1703014480),
		}},
		{"incoming_quoted_contact.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|4A5B6C7D8E9F0A1B2C3D4E5F6A7B8C9D|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "4A5B6C7D8E9F0A1B2C3D4E5F6A7B8C9D", Type: "textMessage", Text: "Is this her work number?",
				ReplyTo: &cardbot.Quote{ID: "BAE5C0FFEE000001", SenderID: "71231234567@c.us", Type: "contactMessage",
					Contacts: []cardbot.VCardRef{{DisplayName: "Anna Smit",
						VCard: "BEGIN:VCARD\nVERSION:3.0\nN:Smit;Anna;;\nFN:Anna Smit\nitem1.TEL;waid=72345678910:+7 234 567 8910\nEND:VCARD"}}}},
			Time: unix(1705521520),
		}},
		{"incoming_lid_text.json", cardbot.Update{
			Kind:    cardbot.KindMessage,
			Key:     "1101000001|120650379300963@lid|3EB0A1B2C3D4E5F60718|incomingMessageReceived",
			Chat:    cardbot.Chat{ID: "120650379300963@lid", Kind: cardbot.ChatPrivate, Title: "John Doe"},
			Sender:  cardbot.User{ID: "120650379300963@lid", Name: "John Doe"}, // a @lid hides the phone
			Message: &cardbot.Message{ID: "3EB0A1B2C3D4E5F60718", Type: "textMessage", Text: "Hello from a hidden number"},
			Time:    unix(1755000000),
		}},
	}
	c := decoder(t)
	decodesTo(t, c, "greenapi", tests)
}

// TestMAXDecodeKinds: MAX's edits and reactions, and a contact whose
// number is not Russian.
func TestMAXDecodeKinds(t *testing.T) {
	maxUser := cardbot.User{ID: "10000000", Name: "Ходабрыш Пробешёлов", Phone: "79991112233"}
	maxChat := cardbot.Chat{ID: "10000000", Kind: cardbot.ChatPrivate, Title: "Ходабрыш Пробешёлов"}
	tests := []fixtureTest{
		{"max_edited.json", cardbot.Update{
			Kind: cardbot.KindEdit,
			Key:  "3100000000|10000000|115297976845823798|outgoingAPIMessageReceived|editedMessage",
			Chat: maxChat, Sender: maxUser,
			Message: &cardbot.Message{ID: "115297976845823798", Type: "editedMessage", Text: "Отредактированное сообщение",
				Replaces: "11529797684582123", FromMe: true},
			Time: unix(1705895506),
		}},
		{"max_reaction.json", cardbot.Update{
			Kind: cardbot.KindReaction,
			Key:  "3100000000|10000000|2755232962562|incomingMessageReceived|reactionMessage",
			Chat: maxChat, Sender: maxUser,
			Message: &cardbot.Message{ID: "2755232962562", Type: "reactionMessage",
				Reaction: &cardbot.Reaction{MessageID: "115144403609924049", SenderID: "10000001", Emoji: "👍"}},
			Time: unix(1705895506),
		}},
	}
	d := newFixtureDecoder(t) // the docs' examples name instance 3100000000
	decodesTo(t, d, "greenapi", tests)
}

// TestMAXContactIsInternational: MAX gives a contact's number as
// international digits without "+"; a Belarusian or Uzbek one is read in
// its own country, not refused in the default region (RU).
func TestMAXContactIsInternational(t *testing.T) {
	srv, _ := newMAX(t)
	d := newFixtureDecoder(t) // a client of the instance each body names
	tests := []struct {
		name, number, region string
		body                 []byte
	}{
		{"Belarus, the docs' shape", "375291234567", "BY", fixture(t, "max_contact_by.json")},
		{"Uzbekistan, from the fake", "998901234567", "UZ",
			srv.IncomingMAXContact(greenapitest.Incoming{ChatID: "10000000"}, "Dilnoza", "10000001", "998901234567")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := d.clientFor(tt.body)
			got, err := c.DecodeWebhook(tt.body)
			require.NoError(t, err)
			ctx := cardbottest.NewContext(t, c, got[0])
			cards, err := ctx.Contacts()
			require.NoError(t, err)
			require.Len(t, cards, 1)
			require.Len(t, cards[0].Phones, 1)
			p := cards[0].Phones[0]
			require.NoError(t, p.Err)
			assert.Equal(t, tt.number, p.Number)
			assert.Equal(t, tt.region, p.Region)
			assert.Equal(t, "10000001", cards[0].Accounts[contactcard.MessengerMAX])
		})
	}
}

// TestDecodeKindsTolerant: fields in the other JSON type than the docs'
// example (a string index, a list reply as an object, coordinates as
// strings) still decode; a field of a shape no reading takes leaves its
// content unset rather than refusing the notification, which GREEN-API
// would deliver again for a day.
func TestDecodeKindsTolerant(t *testing.T) {
	c := decoder(t)
	head := `{"typeWebhook":"incomingMessageReceived","idMessage":"X1","senderData":{"chatId":"79001234567@c.us","sender":"79001234567@c.us"},"messageData":`
	tests := []struct {
		name string
		md   string
		want *cardbot.Message
	}{
		{"list reply as an object", `{"typeMessage":"listResponseMessage","listResponseMessage":{"title":"Work","singleSelectReply":{"selectedRowId":"r2"}}}`,
			&cardbot.Message{ID: "X1", Type: "listResponseMessage", Button: &cardbot.Button{ID: "r2", Label: "Work"}}},
		{"coordinates as strings", `{"typeMessage":"locationMessage","locationMessageData":{"latitude":"55.75","longitude":"37.62"}}`,
			&cardbot.Message{ID: "X1", Type: "locationMessage", Location: &cardbot.Location{Latitude: 55.75, Longitude: 37.62}}},
		{"reaction taken back", `{"typeMessage":"reactionMessage","extendedTextMessageData":{"text":""},"quotedMessage":{"stanzaId":"M1"}}`,
			&cardbot.Message{ID: "X1", Type: "reactionMessage", Reaction: &cardbot.Reaction{MessageID: "M1"}}},
		{"vote taken back", `{"typeMessage":"pollUpdateMessage","pollMessageData":{"stanzaId":"P1","name":"Q","votes":[{"optionName":"A","optionVoters":[]}]}}`,
			&cardbot.Message{ID: "X1", Type: "pollUpdateMessage", PollVote: &cardbot.PollVote{PollID: "P1", Question: "Q",
				Chosen: []string{}, Votes: []cardbot.PollOption{{Name: "A", Voters: []string{}}}}}},
		{"Telegram sticker", `{"typeMessage":"stickerMessage","stickerMessageData":{"downloadUrl":"https://x/s.tgs","fileName":"AnimatedSticker.tgs","mimeType":"application/x-tgsticker","isAnimated":true}}`,
			&cardbot.Message{ID: "X1", Type: "stickerMessage", Sticker: &cardbot.Sticker{Animated: true, Document: cardbot.Document{
				ID: "79001234567@c.us/X1", FileName: "AnimatedSticker.tgs", MIMEType: "application/x-tgsticker", URL: "https://x/s.tgs"}}}},
		{"quoted contacts array", `{"typeMessage":"textMessage","textMessageData":{"textMessage":"these?"},"quotedMessage":{"stanzaId":"Q","typeMessage":"contactsArrayMessage","contacts":[{"displayName":"A","vcard":"V1"},{"displayName":"B","vcard":"V2"}]}}`,
			&cardbot.Message{ID: "X1", Type: "textMessage", Text: "these?", ReplyTo: &cardbot.Quote{ID: "Q", Type: "contactsArrayMessage",
				Contacts: []cardbot.VCardRef{{DisplayName: "A", VCard: "V1"}, {DisplayName: "B", VCard: "V2"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.DecodeWebhook([]byte(head + tt.md + `}`))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got[0].Message)
		})
	}

	// A field of a shape no reading takes leaves its content unset: the
	// update keeps its kind and Raw, and the webhook is not refused.
	for _, md := range []string{
		`{"typeMessage":"editedMessage","editedMessageData":{"textMessage":["not","text"]}}`,
		`{"typeMessage":"locationMessage","locationMessageData":{"latitude":"north"}}`,
		`{"typeMessage":"pollUpdateMessage","pollMessageData":{"votes":"none"}}`,
		`{"typeMessage":"textMessage","textMessageData":{"textMessage":"hi"},"quotedMessage":{"stanzaId":"Q","contact":"Anna"}}`,
	} {
		got, err := c.DecodeWebhook([]byte(head + md + `}`))
		require.NoError(t, err, md)
		assert.NotEmpty(t, got[0].Raw)
		assert.NotEqual(t, cardbot.KindOther, got[0].Kind)
		m := got[0].Message
		assert.Nil(t, m.Location, md)
		assert.Empty(t, m.Replaces, md)
		if m.ReplyTo != nil {
			assert.Empty(t, m.ReplyTo.Contacts)
		}
	}
	// What is not JSON at all is still malformed.
	_, err := c.DecodeWebhook([]byte(head + `{"typeMessage":"editedMessage","editedMessageData":{"textMessage":}}}`))
	assert.ErrorIs(t, err, cardbot.ErrMalformedUpdate)
}
