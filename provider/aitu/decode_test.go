package aitu_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/providertest"
)

func TestDecodeWebhookTypes(t *testing.T) {
	user := cardbot.Chat{ID: "USER:" + userID, Kind: cardbot.ChatPrivate}
	group := cardbot.Chat{ID: "GROUP:" + groupID, Kind: cardbot.ChatGroup}
	channel := cardbot.Chat{ID: "CHANNEL:" + channelID, Kind: cardbot.ChatChannel}
	tests := []struct {
		file   string
		kind   cardbot.UpdateKind
		chat   cardbot.Chat
		sender string // sender id
		key    string
		check  func(t *testing.T, u cardbot.Update)
	}{
		{file: "message_text.json", kind: cardbot.KindMessage, sender: userID, key: "3f0c9a1e-7b2d-4c3e-9f10-223344556677",
			chat: cardbot.Chat{ID: "USER:" + userID, Kind: cardbot.ChatPrivate},
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{ID: messageID, Type: "Message", Text: "test1"}, u.Message)
				assert.Equal(t, "geeky geck nanbar", u.Sender.Name)
				assert.Equal(t, time.Date(2019, 11, 11, 5, 57, 8, 132e6, time.UTC), u.Time)
			}},
		{file: "message_group_image.json", kind: cardbot.KindMessage, sender: userID, chat: cardbot.Chat{ID: "GROUP:" + groupID, Kind: cardbot.ChatGroup, Title: "Toi"},
			key: "6a7b8c9d-0000-4111-8222-333344445555",
			check: func(t *testing.T, u cardbot.Update) {
				m := u.Message
				assert.Equal(t, "Image", m.Type)
				assert.Equal(t, "look", m.Text)
				assert.True(t, m.Forwarded)
				assert.Equal(t, &cardbot.Quote{ID: messageID}, m.ReplyTo)
				assert.Equal(t, &cardbot.Document{ID: fileID, FileName: "photo.jpeg", MIMEType: "JPEG", Size: 1024}, m.Document)
			}},
		{file: "message_contacts.json", kind: cardbot.KindMessage, sender: userID, chat: cardbot.Chat{ID: "USER:" + userID, Kind: cardbot.ChatPrivate},
			key: "7b8c9d0e-1111-4222-8333-444455556666",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, "UnregisteredContact", u.Message.Type)
				assert.Equal(t, []cardbot.VCardRef{
					{DisplayName: "KFC", FirstName: "KFC", Phone: "7797"},
					{DisplayName: "Aigerim Sadykova", FirstName: "Aigerim", LastName: "Sadykova", Phone: "+7 701 123 45 67"},
					{DisplayName: "Alex Key", FirstName: "Alex", LastName: "Key", Phone: "+77011234568",
						Accounts: map[string]string{contactcard.MessengerAitu: regUserID}},
					// An account's number in digits alone (pyAitu's example) is
					// international: it keeps its country, Poland.
					{DisplayName: "Jan Nowak", FirstName: "Jan", LastName: "Nowak", Phone: "+48884354864",
						Accounts: map[string]string{contactcard.MessengerAitu: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"}},
				}, u.Message.Contacts)
			}},
		{file: "message_document.json", kind: cardbot.KindMessage, sender: userID, chat: user, key: "8c9d0e1f-2222-4333-8444-555566667777",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Empty(t, u.Message.Text, "null content")
				require.NotNil(t, u.Message.Document)
				assert.True(t, u.Message.Document.IsVCard())
				assert.Equal(t, fileID, u.Message.Document.ID)
			}},
		{file: "message_channel_post.json", kind: cardbot.KindMessage, sender: userID,
			chat: cardbot.Chat{ID: "CHANNEL:" + channelID, Kind: cardbot.ChatChannel, Title: "News"}, key: "9d0e1f2a-3333-4444-8555-666677778888",
			check: func(t *testing.T, u cardbot.Update) { assert.Equal(t, "Editor", u.Sender.Name) }},
		{file: "message_id_assigned.json", kind: cardbot.KindStatus, chat: group, key: "aaaaaaaa-0000-4000-8000-000000000001",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Status{MessageID: "54353", Name: aitu.StatusAssigned,
					Description: "55555555-f2af-11ea-ab1a-62e1faec30e1"}, u.Status)
			}},
		{file: "inline_command_selected.json", kind: cardbot.KindMessage, chat: user, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000002",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{Type: "InlineCommandSelected",
					Button: &cardbot.Button{ID: "some_metadata", Label: "some_content", MessageID: messageID}}, u.Message)
				d, err := aitu.Details(&u)
				require.NoError(t, err)
				assert.Equal(t, "some_metadata", d.Metadata)
				assert.Equal(t, "some_content", d.Content)
				assert.Equal(t, messageID, d.MessageID)
			}},
		{file: "quick_button_selected.json", kind: cardbot.KindMessage, chat: user, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000003",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{Type: "QuickButtonSelected", Button: &cardbot.Button{ID: "some_metadata"}}, u.Message)
			}},
		{file: "form_submitted.json", kind: cardbot.KindMessage, chat: user, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000004",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{Type: "FormSubmitted", Form: &cardbot.Form{ID: "form1", Action: cardbot.FormSubmitted,
					Metadata: "metadata_string", Data: "more_metadata_string"}}, u.Message)
				d, err := aitu.Details(&u)
				require.NoError(t, err)
				assert.Equal(t, "form1", d.FormID)
				assert.Equal(t, "more_metadata_string", d.AdditionalMetadata)
			}},
		{file: "form_message_sent.json", kind: cardbot.KindMessage, chat: user, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000005",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{ID: messageID, Type: "FormMessageSent", Form: &cardbot.Form{ID: "form1",
					Action: cardbot.FormMessageSent, Text: "+77011234567",
					Data: `{"data_template_result":"77011234567","private_data":{"value":{"phone_number":"77011234567","metadata":"XXX"}},"hidden_metadata":""}`}}, u.Message)
				d, err := aitu.Details(&u)
				require.NoError(t, err)
				assert.Equal(t, "+77011234567", d.Message)
			}},
		{file: "form_closed.json", kind: cardbot.KindMessage, chat: user, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000006",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{Type: "FormClosed", Form: &cardbot.Form{ID: "form1", Action: cardbot.FormClosed}}, u.Message)
			}},
		{file: "message_edited.json", kind: cardbot.KindEdit, chat: group, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000007",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, &cardbot.Message{ID: messageID, Type: "MessageEdited", Text: "edited", Replaces: messageID}, u.Message)
			}},
		{file: "invited_to_group.json", kind: cardbot.KindOther, chat: group, key: "aaaaaaaa-0000-4000-8000-000000000008"},
		{file: "kicked_from_group.json", kind: cardbot.KindOther, chat: group, key: "aaaaaaaa-0000-4000-8000-000000000009"},
		{file: "invited_to_channel.json", kind: cardbot.KindOther, chat: channel, key: "aaaaaaaa-0000-4000-8000-000000000010"},
		{file: "kicked_from_channel.json", kind: cardbot.KindOther, chat: channel, key: "aaaaaaaa-0000-4000-8000-000000000011"},
		{file: "new_channel_subscriber.json", kind: cardbot.KindOther, chat: channel, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000012"},
		{file: "channel_admin_added.json", kind: cardbot.KindOther, chat: channel, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000013"},
		{file: "channel_admin_deleted.json", kind: cardbot.KindOther, chat: channel, sender: userID, key: "aaaaaaaa-0000-4000-8000-000000000014"},
		{file: "channel_permissions_granted.json", kind: cardbot.KindOther, chat: cardbot.Chat{ID: "CHANNEL:" + channelID, Kind: cardbot.ChatChannel, Title: "News"},
			key: "aaaaaaaa-0000-4000-8000-000000000015",
			check: func(t *testing.T, u cardbot.Update) {
				d, err := aitu.Details(&u)
				require.NoError(t, err)
				assert.Equal(t, []string{"WRITE", "READ_ADMINS"}, d.Permissions)
			}},
		{file: "channel_permissions_revoked.json", kind: cardbot.KindOther, chat: channel, key: "aaaaaaaa-0000-4000-8000-000000000016"},
		{file: "unknown_type.json", kind: cardbot.KindOther, key: "aaaaaaaa-0000-4000-8000-000000000017",
			check: func(t *testing.T, u cardbot.Update) {
				assert.Contains(t, string(u.Raw), `"InterfaceViewSelected"`)
				assert.Contains(t, string(u.Raw), `"payload"`)
			}},
	}
	c := decoder(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			got, err := c.DecodeWebhook(body)
			require.NoError(t, err)
			require.Len(t, got, 1)
			u := got[0]
			assert.Equal(t, "aitu", u.Provider)
			assert.Equal(t, tt.kind, u.Kind)
			assert.Equal(t, tt.key, u.Key)
			if tt.chat.ID != "" {
				if tt.kind == cardbot.KindMessage {
					assert.Equal(t, tt.chat.ID, u.Chat.ID)
					assert.Equal(t, tt.chat.Kind, u.Chat.Kind)
					if tt.chat.Title != "" {
						assert.Equal(t, tt.chat.Title, u.Chat.Title)
					}
				} else {
					assert.Equal(t, tt.chat, u.Chat)
				}
			}
			assert.Equal(t, tt.sender, u.Sender.ID)
			var env struct{ Updates []json.RawMessage }
			require.NoError(t, json.Unmarshal(body, &env))
			assert.JSONEq(t, string(env.Updates[0]), string(u.Raw), "Raw is the element as received")
			if tt.check != nil {
				tt.check(t, u)
			}
		})
	}
}

func TestDecodeWebhookBatchAndShapes(t *testing.T) {
	c := decoder(t)
	tests := []struct {
		name      string
		body      string
		n         int
		malformed bool
	}{
		{name: "empty batch", body: `{"updates":[]}`, n: 0},
		{name: "null updates", body: `{"updates":null}`, n: 0},
		{name: "nulls skipped", body: `{"updates":[null,{"type":"Foo","updateId":"1"}]}`, n: 1},
		{name: "two updates", body: `{"updates":[{"type":"InvitedToGroup","updateId":"1","groupId":"g"},{"type":"Bar","updateId":"2"}]}`, n: 2},
		{name: "unknown fields of a wrong type", body: `{"updates":[{"type":"Message","updateId":"1","dialog":5}]}`, n: 1},
		{name: "message without dialog", body: `{"updates":[{"type":"Message","updateId":"1","content":"x"}]}`, n: 1},
		{name: "not JSON", body: `updates`, malformed: true},
		{name: "array", body: `[{"type":"Message"}]`, malformed: true},
		{name: "no updates", body: `{"commands":[]}`, malformed: true},
		{name: "updates not an array", body: `{"updates":{"type":"Message"}}`, malformed: true},
		{name: "element not an object", body: `{"updates":["Message"]}`, malformed: true},
		{name: "broken JSON", body: `{"updates":[{"type":`, malformed: true},
		{name: "empty", body: ``, malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.DecodeWebhook([]byte(tt.body))
			if tt.malformed {
				require.ErrorIs(t, err, cardbot.ErrMalformedUpdate)
				return
			}
			require.NoError(t, err)
			assert.Len(t, got, tt.n)
			for _, u := range got {
				if u.Message == nil {
					assert.NotEqual(t, cardbot.KindMessage, u.Kind)
				}
			}
		})
	}
}

func TestParseChatID(t *testing.T) {
	tests := []struct {
		in   string
		want aitu.Peer
		ok   bool
	}{
		{in: "USER:" + userID, want: aitu.Peer{Type: "USER", ID: userID}, ok: true},
		{in: "group:" + groupID, want: aitu.Peer{Type: "GROUP", ID: groupID}, ok: true},
		{in: "CHANNEL:" + channelID, want: aitu.Peer{Type: "CHANNEL", ID: channelID}, ok: true},
		{in: userID},
		{in: "BOT:" + userID},
		{in: "SPACE:" + userID},
		{in: "USER:not-a-uuid"},
		{in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := aitu.ParseChatID(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, aitu.ErrValidation)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p)
			assert.Equal(t, tt.want.Type+":"+tt.want.ID, aitu.ChatID(tt.want.Type, tt.want.ID))
		})
	}
}

func BenchmarkDecodeWebhookContact(b *testing.B) {
	providertest.BenchmarkDecode(b, decoder(b).DecodeWebhook, fixture(b, "message_contacts.json"))
}

// TestDecodeWebhookEdges: fields that are missing or odd decode to the
// documented fallbacks instead of failing the update.
func TestDecodeWebhookEdges(t *testing.T) {
	const author = `"author":{"type":"USER","id":"` + userID + `","name":"Only A Name"}`
	tests := []struct {
		name   string
		update string
		check  func(t *testing.T, u cardbot.Update)
	}{
		{"MessageIdAssigned without a localId is no status",
			`{"updateId":"u1","type":"MessageIdAssigned","id":"` + messageID + `","dialog":{"type":"USER","id":"` + userID + `"}}`,
			func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, cardbot.KindOther, u.Kind)
				assert.Nil(t, u.Status)
				assert.Equal(t, "u1", u.Key)
			}},
		{"an unparsable sentAt is a zero time",
			`{"updateId":"u2","type":"Message","messageId":"` + messageID + `","sentAt":"yesterday",` + author + `,"dialog":{"type":"USER","id":"` + userID + `"},"content":"hi"}`,
			func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, cardbot.KindMessage, u.Kind)
				assert.True(t, u.Time.IsZero())
				assert.Equal(t, "hi", u.Message.Text)
			}},
		{"a dialog without a type is a user's, a peer without first and last names goes by its name",
			`{"updateId":"u3","type":"Message","messageId":"` + messageID + `",` + author + `,"dialog":{"id":"` + userID + `","firstName":"Dana"}}`,
			func(t *testing.T, u cardbot.Update) {
				assert.Equal(t, cardbot.Chat{ID: "USER:" + userID, Kind: cardbot.ChatPrivate, Title: "Dana"}, u.Chat)
				assert.Equal(t, cardbot.User{ID: userID, Name: "Only A Name"}, u.Sender)
			}},
		{"a registered contact without names goes by its user name",
			`{"updateId":"u4","type":"Message","messageId":"` + messageID + `",` + author + `,"dialog":{"type":"USER","id":"` + userID + `"},` +
				`"media":[{"type":"RegisteredContact","user":{"id":"` + regUserID + `","userName":"@alex"}}]}`,
			func(t *testing.T, u cardbot.Update) {
				require.Len(t, u.Message.Contacts, 1)
				assert.Equal(t, "alex", u.Message.Contacts[0].DisplayName)
				assert.Equal(t, map[string]string{contactcard.MessengerAitu: regUserID}, u.Message.Contacts[0].Accounts)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decoder(t).DecodeWebhook([]byte(`{"updates":[` + tt.update + `]}`))
			require.NoError(t, err)
			require.Len(t, got, 1)
			tt.check(t, got[0])
		})
	}
}

func TestDetailsRefuses(t *testing.T) {
	tests := []struct {
		name      string
		u         *cardbot.Update
		malformed bool
	}{
		{"no update", nil, false},
		{"no raw JSON", &cardbot.Update{}, false},
		{"another provider's JSON", &cardbot.Update{Raw: json.RawMessage(`{"typeWebhook":"incomingMessageReceived","idMessage":"BAE5","timestamp":1}`)}, true},
		{"fields of the wrong JSON type", &cardbot.Update{Raw: json.RawMessage(`{"type":1,"updateId":"u"}`)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := aitu.Details(tt.u)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.Equal(t, tt.malformed, errors.Is(err, cardbot.ErrMalformedUpdate), err)
		})
	}
}
