package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// The chats the tests write in.
var (
	whatsappUser = greenapitest.Incoming{ChatID: "79001234567@c.us"}
	maxUser      = greenapitest.Incoming{ChatID: "10000000"}
)

// serve runs the echobot's handlers behind fake until the test ends and
// returns the URL of its webhook. Its client does not retry, and documents
// are capped at 64 bytes, so that failures and limits show at once.
func serve(t *testing.T, fake *greenapitest.Server) string {
	t.Helper()
	cfg := fake.Config()
	cfg.MaxRetries = -1
	client, err := greenapi.New(cfg)
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithMaxDocumentSize(64))
	Register(bot)
	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, bot.Shutdown(context.Background()))
	})
	return srv.URL
}

// sent is what the bot sent: a text, or a contact's number.
func sent(fake *greenapitest.Server) []string {
	var out []string
	for _, m := range fake.SentMessages() {
		if m.Contact != nil {
			out = append(out, fmt.Sprintf("contact +%d", m.Contact.PhoneContact))
			continue
		}
		out = append(out, m.Text)
	}
	return out
}

const ann = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nTEL:+7 900 765-43-21\nEND:VCARD\n"

// What the echobot answers to each kind of message; the user hears what
// they can act on.
func TestAnswers(t *testing.T) {
	type message func(*greenapitest.Server, greenapitest.Incoming) []byte
	text := func(body string) message {
		return func(f *greenapitest.Server, in greenapitest.Incoming) []byte { return f.IncomingText(in, body) }
	}
	doc := func(data string) message {
		return func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
			return f.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(data))
		}
	}
	contact := func(vcard string) message {
		return func(f *greenapitest.Server, in greenapitest.Incoming) []byte { return f.IncomingContact(in, "", vcard) }
	}
	tests := []struct {
		name string
		max  bool // the fake plays MAX
		fail int  // the status of the fake's next answer, if any
		body message
		want []string
	}{
		{name: "start", body: text("/start"), want: []string{Greeting}},
		{name: "edited text", body: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
			return f.IncomingEdit(in, "BAE5AFC355030F7A", "hi, corrected")
		}, want: []string{EditedPrefix + "hi, corrected"}},
		{name: "edited to a command", body: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
			return f.IncomingEdit(in, "BAE5AFC355030F7A", "/start")
		}, want: []string{EditedPrefix + "/start"}},
		{name: "deletion", body: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
			return f.IncomingDeletion(in, "BAE5AFC355030F7A")
		}, want: nil},
		{name: "text", body: text("hi"), want: []string{"hi"}},
		{name: "contact", body: contact(ann), want: []string{"contact +79007654321"}},
		{name: "file of no card", body: doc("no card here"), want: []string{"I found no contact in that file."}},
		{name: "file that is no text", body: doc("\x00\xff\xfe"), want: []string{"That file is not a vCard: it is not even text."}},
		{name: "file too large", body: doc(strings.Repeat(ann, 2)), want: []string{"That file is too large for me."}},
		{name: "file that is gone", body: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
			// Neither its URL nor its message's id has a file on f.
			body := string(f.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(ann)))
			body = regexp.MustCompile(`/files/[^/]+/`).ReplaceAllString(body, "/files/gone/")
			return []byte(regexp.MustCompile(`"idMessage":"[^"]+"`).ReplaceAllString(body, `"idMessage":"gone"`))
		}, want: []string{"I could not download that file. Please send it again."}},
		{name: "card with no number", body: contact("BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEND:VCARD\n"),
			want: []string{`I cannot send the contact "Ann Lee": it has no phone number.`}},
		{name: "card with no name", body: contact("BEGIN:VCARD\nVERSION:3.0\nFN:\nEND:VCARD\n"),
			want: []string{`I cannot send the contact "without a name": it has no phone number.`}},
		{name: "card with a short number", body: contact("BEGIN:VCARD\nVERSION:3.0\nFN:Tan Wei\nTEL:+65 6123 4567\nEND:VCARD\n"),
			want: []string{`I cannot send the contact "Tan Wei": "+65 6123 4567": +6561234567 has 10 digits where 11–12 are needed.`}},
		{name: "number with no MAX account", max: true, body: contact(ann),
			want: []string{`I cannot send the contact "Ann Lee": +79007654321 has no MAX account.`}},
		{name: "foreign number not on MAX", max: true, body: contact("BEGIN:VCARD\nVERSION:3.0\nFN:Bob Ray\nTEL:+44 20 7946 0958\nEND:VCARD\n"),
			want: []string{`I cannot send the contact "Bob Ray": +442079460958 has no MAX account.`}},
		{name: "send refused", fail: http.StatusBadRequest, body: contact(ann),
			want: []string{`I could not send the contact "Ann Lee". Please try again later.`}},
		// A handler error that a delivery again would not cure: answered.
		{name: "explanation refused", fail: http.StatusBadRequest, body: contact("BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEND:VCARD\n"),
			want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, in := []greenapitest.Option{greenapitest.WithWebhookToken("hook")}, whatsappUser
			if tt.max {
				opts, in = append(opts, greenapitest.WithMAX()), maxUser
			}
			fake := greenapitest.NewServer(opts...)
			t.Cleanup(fake.Close)
			url := serve(t, fake)
			if tt.fail != 0 {
				fake.FailNext(1, tt.fail, 0)
			}
			statuses, err := fake.Push(context.Background(), url, tt.body(fake, in))
			require.NoError(t, err)
			assert.Equal(t, []int{http.StatusOK}, statuses)
			assert.Equal(t, tt.want, sent(fake))
		})
	}
}

// A download or a send that may work later fails the update, so that
// GREEN-API delivers it again; the user is told nothing meanwhile.
func TestRetryableFailures(t *testing.T) {
	tests := []struct {
		name string
		body func(fake *greenapitest.Server) []byte
	}{
		{"download fails", func(*greenapitest.Server) []byte {
			gone := greenapitest.NewServer()
			defer gone.Close() // the file's URL answers no more
			return gone.IncomingDocument(whatsappUser, "contacts.vcf", "text/x-vcard", []byte(ann))
		}},
		{"send rate limited", func(fake *greenapitest.Server) []byte {
			fake.FailNext(3, http.StatusTooManyRequests, 0) // each delivery's send
			return fake.IncomingContact(whatsappUser, "", ann)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook"))
			t.Cleanup(fake.Close)
			url := serve(t, fake)
			statuses, err := fake.Push(context.Background(), url, tt.body(fake))
			require.Error(t, err)
			assert.Equal(t, []int{http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusServiceUnavailable}, statuses)
			assert.Empty(t, sent(fake))
		})
	}
}

// Of several contacts shared at once, those that read are sent, and the
// user is told that there were more.
func TestPartlyReadable(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook"))
	t.Cleanup(fake.Close)
	url := serve(t, fake)
	_, err := fake.Push(context.Background(), url, contactsArray(t, fake, ann, "no card here"))
	require.NoError(t, err)
	assert.Equal(t, []string{"contact +79007654321", "I could not read every contact you sent; those above are the ones I could."}, sent(fake))
}

// contactsArray is the webhook of a contactsArrayMessage of vcards, which
// greenapitest does not build: a contactMessage's, its data replaced.
func contactsArray(t *testing.T, fake *greenapitest.Server, vcards ...string) []byte {
	t.Helper()
	var body map[string]any
	require.NoError(t, json.Unmarshal(fake.IncomingContact(whatsappUser, "", ""), &body))
	var contacts []map[string]any
	for _, v := range vcards {
		contacts = append(contacts, map[string]any{"displayName": "", "vcard": v})
	}
	body["messageData"] = map[string]any{"typeMessage": "contactsArrayMessage", "messageData": map[string]any{"contacts": contacts}}
	out, err := json.Marshal(body)
	require.NoError(t, err)
	return out
}

// A text longer than the messenger takes is echoed in parts, each within
// its limit (MAX: 4 000 characters), cut between words.
func TestLongTextEchoedInParts(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook"), greenapitest.WithMAX())
	t.Cleanup(fake.Close)
	url := serve(t, fake)
	long := strings.Repeat("слово ", 1000) // 6 000 characters
	statuses, err := fake.Push(context.Background(), url, fake.IncomingText(maxUser, long))
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusOK}, statuses)
	got := sent(fake)
	require.Len(t, got, 2)
	for _, part := range got {
		assert.LessOrEqual(t, len([]rune(part)), 4000)
	}
	assert.Equal(t, strings.TrimSpace(long), got[0]+" "+got[1])
}
