package greenapi_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/providertest"
)

// decoder returns a decoder of fixtures: each body is decoded by a client
// of the instance its instanceData names (see fixtureDecoder).
func decoder(t testing.TB) *fixtureDecoder {
	t.Helper()
	return newFixtureDecoder(t)
}

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func TestDecodeWebhookFixtures(t *testing.T) {
	const (
		vcardVictor = "BEGIN:VCARD\nVERSION:3.0\nN:Андреевич;Виктор;;;\nFN:Виктор Андреевич\nORG:Image\nTITLE:\nitem1.TEL;waid=79001234569:+7 900 123-45-69\nitem1.X-ABLabel:Мобильный\nEND:VCARD"
		vcardAnna   = "BEGIN:VCARD\nVERSION:3.0\nN:Smit;Anna;;\nFN:Anna Smit\nitem1.TEL;waid=72345678910:+7 234 567 8910\nEND:VCARD"
		vcardAlex   = "BEGIN:VCARD\nVERSION:3.0\nN:Smit;Alex;;;\nFN:Alex Smit\nTEL;type=CELL;waid=72345678901:+7 234 567 8901\nEND:VCARD"
	)
	greenAPI := cardbot.User{ID: "79001234568@c.us", Name: "Green API", Phone: "79001234568"}
	chat68 := cardbot.Chat{ID: "79001234568@c.us", Kind: cardbot.ChatPrivate}
	chat90 := cardbot.Chat{ID: "71234567890@c.us", Kind: cardbot.ChatPrivate, Title: "Green API"}
	user90 := cardbot.User{ID: "71234567890@c.us", Name: "Green API", Phone: "71234567890"}

	tests := []fixtureTest{
		{"incoming_text.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1234|79001234568@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived",
			Chat: cardbot.Chat{ID: "79001234568@c.us", Kind: cardbot.ChatPrivate, Title: "Green API"}, Sender: greenAPI,
			Message: &cardbot.Message{ID: "F7AEC1B7086ECDC7E6E45923F5EDB825", Type: "textMessage",
				Text: "I use Green-API to send this message to you!"},
			Time: unix(1588091580),
		}},
		{"incoming_extended_text.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1234|79001234568@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived",
			Chat: chat68, Sender: greenAPI,
			Message: &cardbot.Message{ID: "F7AEC1B7086ECDC7E6E45923F5EDB825", Type: "extendedTextMessage",
				Text: "https://green-api.com/docs/video", Forwarded: true},
			Time: unix(1588091580),
		}},
		{"incoming_quoted_old.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "7103000000|79001234567@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "79001234567@c.us", Kind: cardbot.ChatPrivate},
			Sender: cardbot.User{ID: "79001234567@c.us", Name: "John", Phone: "79001234567"},
			Message: &cardbot.Message{ID: "F7AEC1B7086ECDC7E6E45923F5EDB825", Type: "quotedMessage", Text: "Quoting this",
				ReplyTo: &cardbot.Quote{ID: "46618B98B3B9DF50F123456789123456", SenderID: "70009876543@c.us"}},
			Time: unix(1588091580),
		}},
		{"incoming_text_quoted.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "1101000001|120363043968066561@g.us|3A2B6D1C0E9F8A7B6C5D4E3F2A1B0C9D|incomingMessageReceived",
			Chat:   cardbot.Chat{ID: "120363043968066561@g.us", Kind: cardbot.ChatGroup, Title: "Team"},
			Sender: cardbot.User{ID: "71234567890@c.us", Name: "Anna", Phone: "71234567890"},
			Message: &cardbot.Message{ID: "3A2B6D1C0E9F8A7B6C5D4E3F2A1B0C9D", Type: "textMessage", Text: "Yes, that one",
				ReplyTo: &cardbot.Quote{ID: "BAE5F4F3A2B1C0D9", SenderID: "71231234567@c.us", Text: "Which card do you need?", Type: "textMessage"}},
			Time: unix(1705521510),
		}},
		{"incoming_contact.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1234|79001234568@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived",
			Chat: chat68, Sender: greenAPI,
			Message: &cardbot.Message{ID: "F7AEC1B7086ECDC7E6E45923F5EDB825", Type: "contactMessage",
				Contacts: []cardbot.VCardRef{{DisplayName: "Виктор Андреевич", VCard: vcardVictor}}},
			Time: unix(1588091580),
		}},
		{"incoming_contacts_array.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|3549C66825E67A2B3975C990BD85CB03|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "3549C66825E67A2B3975C990BD85CB03", Type: "contactsArrayMessage",
				Contacts: []cardbot.VCardRef{{DisplayName: "Anna Smit", VCard: vcardAnna}, {DisplayName: "Alex Smit", VCard: vcardAlex}}},
			Time: unix(1705521510),
		}},
		{"incoming_contacts_array_flat.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|3549C66825E67A2B3975C990BD85CB04|incomingMessageReceived",
			Chat: cardbot.Chat{ID: "71234567890@c.us", Kind: cardbot.ChatPrivate}, Sender: user90,
			Message: &cardbot.Message{ID: "3549C66825E67A2B3975C990BD85CB04", Type: "contactsArrayMessage",
				Contacts: []cardbot.VCardRef{{DisplayName: "Anna Smit", VCard: vcardAnna}}, Forwarded: true},
			Time: unix(1705521511),
		}},
		{"incoming_document_vcf.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1234|79001234568@c.us|F7AEC1B7086ECDC7E6E45923F5EDB825|incomingMessageReceived",
			Chat: chat68, Sender: greenAPI,
			Message: &cardbot.Message{ID: "F7AEC1B7086ECDC7E6E45923F5EDB825", Type: "documentMessage",
				Document: &cardbot.Document{
					ID:       "79001234568@c.us/F7AEC1B7086ECDC7E6E45923F5EDB825",
					FileName: "contact.vcf", MIMEType: "text/x-vcard",
					URL: "https://api.green-api.com/waInstance1234/downloadFile/19136A974392FA8CF584D70DD0E1AEDF",
				}},
			Time: unix(1588091580),
		}},
		{"incoming_image.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1234|79001234568@c.us|A1B2C3D4E5F60718293A4B5C6D7E8F90|incomingMessageReceived",
			Chat: chat68, Sender: greenAPI,
			Message: &cardbot.Message{ID: "A1B2C3D4E5F60718293A4B5C6D7E8F90", Type: "imageMessage", Text: "A photo of the card",
				Document: &cardbot.Document{
					ID:       "79001234568@c.us/A1B2C3D4E5F60718293A4B5C6D7E8F90",
					FileName: "2b3c4d5e.jpg", MIMEType: "image/jpeg",
					URL: "https://sw-media-out.storage.greenapi.net/1234/2b3c4d5e.jpg",
				}},
			Time: unix(1588091581),
		}},
		{"incoming_location.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|0C0F804DF9E9280268FE871321D393BD|incomingMessageReceived",
			Chat: chat90, Sender: user90,
			Message: &cardbot.Message{ID: "0C0F804DF9E9280268FE871321D393BD", Type: "locationMessage",
				Location: &cardbot.Location{Latitude: 12.345678910111213, Longitude: 14.151617181920212,
					Name: "Empire State Building", Address: "20 W 34th St., New York, NY 10001, USA"}},
			Time: unix(1703045678),
		}},
		{"incoming_poll.json", cardbot.Update{
			Kind: cardbot.KindMessage,
			Key:  "1101000001|71234567890@c.us|1D2E3F405162738495A6B7C8D9E0F1A2|incomingMessageReceived",
			Chat: cardbot.Chat{ID: "71234567890@c.us", Kind: cardbot.ChatPrivate}, Sender: user90,
			Message: &cardbot.Message{ID: "1D2E3F405162738495A6B7C8D9E0F1A2", Type: "pollMessage",
				Poll: &cardbot.Poll{Question: "Which number?", Options: []string{"Mobile", "Work"}}},
			Time: unix(1703045700),
		}},
		{"outgoing_api_contact.json", cardbot.Update{
			Kind:   cardbot.KindMessage,
			Key:    "1101000001|72345678910@c.us|3EB0C767D097B7C7C030|outgoingAPIMessageReceived",
			Chat:   cardbot.Chat{ID: "72345678910@c.us", Kind: cardbot.ChatPrivate, Title: "Anna"},
			Sender: cardbot.User{ID: "71231234567@c.us", Name: "Bot", Phone: "71231234567"},
			Message: &cardbot.Message{ID: "3EB0C767D097B7C7C030", Type: "contactMessage", FromMe: true,
				Contacts: []cardbot.VCardRef{{DisplayName: "Alex Smit", VCard: vcardAlex}}},
			Time: unix(1705521600),
		}},
		{"outgoing_phone_text.json", cardbot.Update{
			Kind:    cardbot.KindMessage,
			Key:     "1101000001|72345678910@c.us|3EB0AA11BB22CC33DD44|outgoingMessageReceived",
			Chat:    cardbot.Chat{ID: "72345678910@c.us", Kind: cardbot.ChatPrivate},
			Sender:  cardbot.User{ID: "71231234567@c.us", Name: "Me", Phone: "71231234567"},
			Message: &cardbot.Message{ID: "3EB0AA11BB22CC33DD44", Type: "extendedTextMessage", Text: "Typed on the phone", FromMe: true},
			Time:    unix(1705521700),
		}},
		{"outgoing_message_status.json", cardbot.Update{
			Kind: cardbot.KindStatus,
			Key:  "1101000001|120363039326117111@g.us|B3Q599E4A3724D50|outgoingMessageStatus|failed",
			Chat: cardbot.Chat{ID: "120363039326117111@g.us", Kind: cardbot.ChatGroup},
			Status: &cardbot.Status{MessageID: "B3Q599E4A3724D50", Name: "failed",
				Description: "SWE004: the number of participants in the group has been exceeded - 300"},
			Time: unix(1707200807),
		}},
		{"state_instance_changed.json", cardbot.Update{
			Kind: cardbot.KindOther,
			Key:  "1||1586700690|stateInstanceChanged|notAuthorized",
			Time: unix(1586700690),
		}},
		{"status_instance_changed.json", cardbot.Update{
			Kind: cardbot.KindOther,
			Key:  "1||1586700690|statusInstanceChanged|online",
			Time: unix(1586700690),
		}},
		{"quota_exceeded.json", cardbot.Update{Kind: cardbot.KindOther}},
		{"incoming_call.json", cardbot.Update{
			Kind:   cardbot.KindOther,
			Key:    "1101000001|79001234568@c.us|C4D5E6F708192A3B4C5D6E7F8091A2B3|incomingCall|offer",
			Chat:   chat68,
			Sender: cardbot.User{ID: "79001234568@c.us", Phone: "79001234568"},
			Time:   unix(1706587600),
		}},
		{"incoming_block.json", cardbot.Update{
			Kind: cardbot.KindOther,
			Key:  "1101000001|10000000000@c.us|1706587620|incomingBlock|blocked",
			Chat: cardbot.Chat{ID: "10000000000@c.us", Kind: cardbot.ChatPrivate},
			Time: unix(1706587620),
		}},
		{"device_info.json", cardbot.Update{
			Kind: cardbot.KindOther,
			Key:  "1101000001||1706587630|deviceInfo|",
			Time: unix(1706587630),
		}},
		{"unknown_type.json", cardbot.Update{
			Kind: cardbot.KindOther,
			Chat: chat68,
			Time: unix(1706587640),
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
	}
	c := decoder(t)
	decodesTo(t, c, "greenapi", tests)
}

// TestDecodeWebhookEveryFixture makes sure no fixture is left out of the
// table above.
func TestDecodeWebhookEveryFixture(t *testing.T) {
	c := decoder(t)
	files, err := filepathGlob("testdata/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		_, err := c.DecodeWebhook(fixture(t, f))
		assert.NoError(t, err, f)
	}
}

func TestDecodeWebhookContactsParse(t *testing.T) {
	// The vCards the decoder hands on are what contactcard reads.
	body := fixture(t, "incoming_contacts_array.json")
	c := decoder(t).clientFor(body)
	got, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	ctx := cardbottest.NewContext(t, c, got[0])
	cards, err := ctx.Contacts()
	require.NoError(t, err)
	require.Len(t, cards, 2)
	assert.Equal(t, "Anna Smit", cards[0].FormattedName)
	ph, ok := cards[1].PrimaryPhone()
	require.True(t, ok)
	assert.Equal(t, "72345678901", ph.Number)
}

func TestDecodeWebhookDocumentIsVCard(t *testing.T) {
	c := decoder(t)
	got, err := c.DecodeWebhook(fixture(t, "incoming_document_vcf.json"))
	require.NoError(t, err)
	assert.True(t, got[0].Message.Document.IsVCard())
	got, err = c.DecodeWebhook(fixture(t, "incoming_image.json"))
	require.NoError(t, err)
	assert.False(t, got[0].Message.Document.IsVCard())
}

func TestDecodeWebhookMalformed(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"empty", ``},
		{"not JSON", `typeWebhook=incomingMessageReceived`},
		{"truncated", `{"typeWebhook":"incomingMessageReceived","senderData":{`},
		{"array", `[{"typeWebhook":"incomingMessageReceived"}]`},
		{"null", `null`},
		{"string", `"incomingMessageReceived"`},
		{"no typeWebhook", `{"idMessage":"A1"}`},
		{"empty typeWebhook", `{"typeWebhook":""}`},
		{"typeWebhook a number", `{"typeWebhook":5}`},
		{"message without senderData", `{"typeWebhook":"incomingMessageReceived","idMessage":"A1","messageData":{"typeMessage":"textMessage"}}`},
		{"message without messageData", `{"typeWebhook":"incomingMessageReceived","idMessage":"A1","senderData":{"chatId":"79001234567@c.us"}}`},
		{"message without typeMessage", `{"typeWebhook":"incomingMessageReceived","idMessage":"A1","senderData":{"chatId":"79001234567@c.us"},"messageData":{}}`},
		{"message without idMessage", `{"typeWebhook":"incomingMessageReceived","senderData":{"chatId":"79001234567@c.us"},"messageData":{"typeMessage":"textMessage"}}`},
		{"status without status", `{"typeWebhook":"outgoingMessageStatus","idMessage":"A1","chatId":"79001234567@c.us"}`},
		{"known type, wrong field type", `{"typeWebhook":"incomingMessageReceived","idMessage":"A1","senderData":{"chatId":7},"messageData":{"typeMessage":"textMessage"}}`},
		{"wrong timestamp", `{"typeWebhook":"stateInstanceChanged","timestamp":"yesterday"}`},
	}
	c := decoder(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.DecodeWebhook([]byte(tt.body))
			require.Error(t, err)
			assert.True(t, errors.Is(err, cardbot.ErrMalformedUpdate), "%v", err)
			assert.Nil(t, got)
		})
	}
}

// TestDecodeWebhookNumbersOrStrings covers the fields GREEN-API sends as a
// number in one place and a string in another: idInstance, timestamp, the
// MAX sender's phone number.
func TestDecodeWebhookNumbersOrStrings(t *testing.T) {
	const msg = `"idMessage":"A1","senderData":{"chatId":"79001234567@c.us"%s},"messageData":{"typeMessage":"textMessage"}`
	tests := []struct {
		name     string
		body     string
		wantKey  string
		wantTime time.Time
		wantErr  bool
	}{
		{"idInstance a number", `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1234},` + fmt.Sprintf(msg, ``) + `}`,
			"1234|79001234567@c.us|A1|incomingMessageReceived", time.Time{}, false},
		{"idInstance a string", `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":"1234"},` + fmt.Sprintf(msg, ``) + `}`,
			"1234|79001234567@c.us|A1|incomingMessageReceived", time.Time{}, false},
		{"idInstance null: the client's", `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":null},` + fmt.Sprintf(msg, ``) + `}`,
			"1101000001|79001234567@c.us|A1|incomingMessageReceived", time.Time{}, false},
		{"idInstance an object", `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":{}},` + fmt.Sprintf(msg, ``) + `}`,
			"", time.Time{}, true},
		{"timestamp a string", `{"typeWebhook":"incomingMessageReceived","timestamp":"1588091580",` + fmt.Sprintf(msg, ``) + `}`,
			"1101000001|79001234567@c.us|A1|incomingMessageReceived", unix(1588091580), false},
		{"timestamp a float", `{"typeWebhook":"incomingMessageReceived","timestamp":1588091580.0,` + fmt.Sprintf(msg, ``) + `}`,
			"1101000001|79001234567@c.us|A1|incomingMessageReceived", unix(1588091580), false},
		{"timestamp null", `{"typeWebhook":"incomingMessageReceived","timestamp":null,` + fmt.Sprintf(msg, ``) + `}`,
			"1101000001|79001234567@c.us|A1|incomingMessageReceived", time.Time{}, false},
		{"timestamp an array", `{"typeWebhook":"incomingMessageReceived","timestamp":[1],` + fmt.Sprintf(msg, ``) + `}`,
			"", time.Time{}, true},
		{"senderPhoneNumber a number", `{"typeWebhook":"incomingMessageReceived",` + fmt.Sprintf(msg, `,"senderPhoneNumber":79001234568`) + `}`,
			"1101000001|79001234567@c.us|A1|incomingMessageReceived", time.Time{}, false},
		{"senderPhoneNumber a string", `{"typeWebhook":"incomingMessageReceived",` + fmt.Sprintf(msg, `,"senderPhoneNumber":"79001234568"`) + `}`,
			"1101000001|79001234567@c.us|A1|incomingMessageReceived", time.Time{}, false},
	}
	c := decoder(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.DecodeWebhook([]byte(tt.body))
			if tt.wantErr {
				require.ErrorIs(t, err, cardbot.ErrMalformedUpdate)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tt.wantKey, got[0].Key)
			assert.Equal(t, tt.wantTime, got[0].Time)
			if strings.Contains(tt.body, "senderPhoneNumber") {
				assert.Equal(t, "79001234568", got[0].Sender.Phone)
			}
		})
	}
}

func TestDecodeWebhookUnknownKeptRaw(t *testing.T) {
	tests := []struct {
		name string
		body string
		want cardbot.Update
	}{
		{"unknown webhook type", `{"typeWebhook":"editedMessage","idMessage":"A1","senderData":{"chatId":"79001234567@c.us","sender":"79001234567@c.us"}}`,
			cardbot.Update{Key: "1101000001|79001234567@c.us|A1|editedMessage",
				Chat:   cardbot.Chat{ID: "79001234567@c.us", Kind: cardbot.ChatPrivate},
				Sender: cardbot.User{ID: "79001234567@c.us", Phone: "79001234567"}}},
		{"unknown type with fields of other types", `{"typeWebhook":"chatState","senderData":"not an object","timestamp":{"x":1}}`,
			cardbot.Update{}},
	}
	c := decoder(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.DecodeWebhook([]byte(tt.body))
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tt.body, string(got[0].Raw))
			got[0].Raw = nil
			tt.want.Provider, tt.want.Kind = "greenapi", cardbot.KindOther
			assert.Equal(t, tt.want, got[0])
		})
	}

	// An unknown message type of a known webhook is a message with its
	// Type and Raw.
	body := `{"typeWebhook":"incomingMessageReceived","idMessage":"A2","senderData":{"chatId":"79001234567@c.us"},"messageData":{"typeMessage":"groupInviteMessage","groupInviteMessageData":{"groupJid":"1@g.us"}}}`
	got, err := c.DecodeWebhook([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, cardbot.KindMessage, got[0].Kind)
	assert.Equal(t, &cardbot.Message{ID: "A2", Type: "groupInviteMessage"}, got[0].Message)
	assert.Equal(t, body, string(got[0].Raw))
}

func TestDecodeWebhookRawIsACopy(t *testing.T) {
	c := decoder(t)
	body := fixture(t, "incoming_text.json")
	got, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	for i := range body {
		body[i] = ' '
	}
	assert.Contains(t, string(got[0].Raw), "incomingMessageReceived")
}

func TestDecodeWebhookProviderName(t *testing.T) {
	c, err := greenapi.New(greenapi.Config{IDInstance: "1234", APITokenInstance: "t", Name: "wa-sales"})
	require.NoError(t, err)
	got, err := c.DecodeWebhook(fixture(t, "incoming_text.json"))
	require.NoError(t, err)
	assert.Equal(t, "wa-sales", got[0].Provider)
}

func TestDecodeChatKinds(t *testing.T) {
	tests := []struct {
		chat string
		kind cardbot.ChatKind
	}{
		{"79001234567@c.us", cardbot.ChatPrivate},
		{"123456789012345@lid", cardbot.ChatPrivate},
		{"79001234567-1581234048@g.us", cardbot.ChatGroup},
		{"120363043968066561@g.us", cardbot.ChatGroup},
		{"120363025555555555@newsletter", cardbot.ChatChannel},
		{"10000000", cardbot.ChatPrivate},         // MAX user
		{"-10000000000000", cardbot.ChatGroup},    // MAX group
		{"status@broadcast", cardbot.ChatUnknown}, // WhatsApp statuses
		{"", cardbot.ChatUnknown},
	}
	c := decoder(t)
	for _, tt := range tests {
		body := `{"typeWebhook":"outgoingMessageStatus","chatId":"` + tt.chat + `","idMessage":"M","status":"read"}`
		got, err := c.DecodeWebhook([]byte(body))
		require.NoError(t, err)
		assert.Equal(t, tt.kind, got[0].Chat.Kind, tt.chat)
	}
}

func BenchmarkDecodeWebhookText(b *testing.B) {
	body := fixture(b, "incoming_text.json")
	providertest.BenchmarkDecode(b, decoder(b).clientFor(body).DecodeWebhook, body)
}

// TestDecodeWebhookQuotedCaption: a quoted message without text (a photo)
// is quoted by its caption.
func TestDecodeWebhookQuotedCaption(t *testing.T) {
	body := strings.Replace(string(fixture(t, "incoming_text_quoted.json")),
		`"textMessage": "Which card do you need?"`, `"caption": "this card"`, 1)
	require.Contains(t, body, `"caption": "this card"`)
	ups, err := decoder(t).DecodeWebhook([]byte(body))
	require.NoError(t, err)
	require.Len(t, ups, 1)
	assert.Equal(t, &cardbot.Quote{ID: "BAE5F4F3A2B1C0D9", SenderID: "71231234567@c.us", Text: "this card", Type: "textMessage"}, ups[0].Message.ReplyTo)
}
