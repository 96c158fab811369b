package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestSendContacts(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook"))
	defer fake.Close()
	client, err := greenapi.New(greenapi.Config{APIURL: fake.URL, IDInstance: fake.IDInstance,
		APITokenInstance: fake.Token, WebhookToken: "hook"})
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithProviders(client))
	bot.Handle(cardbot.OnContact, sendContacts)
	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	ann := "BEGIN:VCARD\nFN:Ann\nTEL:8 900 765-43-21\nEND:VCARD"
	_, err = fake.Push(t.Context(), srv.URL, fake.IncomingContact(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "Ann", ann))
	require.NoError(t, err)
	require.Len(t, fake.SentMessages(), 1)
	assert.Equal(t, int64(79007654321), fake.SentMessages()[0].Contact.PhoneContact)
}

// With no credentials the bot runs in the sandbox; a card it cannot send
// is told with the reason. SIGTERM's context ends it cleanly.
func TestRunInTheSandbox(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(string) string { return "" }, addr) }()
	waitAccepting(t, addr)

	cards := "BEGIN:VCARD\nFN:Ann\nTEL:+7 900 765-43-21\nEND:VCARD\nBEGIN:VCARD\nFN:Tan Wei\nTEL:+65 6123 4567\nEND:VCARD\n"
	resp, err := http.Post("http://"+addr+"/sandbox/whatsapp/vcf", "text/vcard", strings.NewReader(cards))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"phone":"79007654321"`)
	assert.Contains(t, string(body), `I could not send:\nTan Wei: +6561234567 has 10 digits where 11–12 are needed`)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}

// With an instance but no webhook token the bot refuses to start: anyone
// could post updates to it.
func TestRunNeedsAWebhookToken(t *testing.T) {
	env := map[string]string{"GREENAPI_ID_INSTANCE": "1101000001", "GREENAPI_API_TOKEN_INSTANCE": "token"}
	err := run(context.Background(), func(k string) string { return env[k] }, freeAddr(t))
	require.ErrorIs(t, err, webhook.ErrUnauthenticated)
}

// The README's "A bot in code" is this file, and its "Testing your bot"
// is TestSendContacts, as they are: what the README shows compiles, runs
// and passes.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	main, err := os.ReadFile("main.go")
	require.NoError(t, err)
	test, err := os.ReadFile("main_test.go")
	require.NoError(t, err)

	assert.Equal(t, string(main), codeAfter(t, string(readme), "## A bot in code"), "README's bot is main.go")
	start := strings.Index(string(test), "func TestSendContacts(")
	require.GreaterOrEqual(t, start, 0)
	end := start + strings.Index(string(test[start:]), "\n}\n") + 3
	assert.Equal(t, string(test[start:end]), codeAfter(t, string(readme), "## Testing your bot"), "README's test is TestSendContacts")
}

// codeAfter returns the first fenced code block after heading.
func codeAfter(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	require.GreaterOrEqual(t, i, 0, "no %q in the README", heading)
	rest := doc[i:]
	open := strings.Index(rest, "```go\n")
	require.GreaterOrEqual(t, open, 0)
	rest = rest[open+len("```go\n"):]
	end := strings.Index(rest, "```\n")
	require.GreaterOrEqual(t, end, 0)
	return rest[:end]
}

// The user hears which contacts could not be sent, and why; a file with
// no card gets a word too.
func TestSendContactsTellsWhy(t *testing.T) {
	tests := []struct {
		name string
		fail bool // the fake refuses the first send
		body func(*greenapitest.Server) []byte
		want []string // the texts sent back
	}{
		{"a file of no card", false, func(f *greenapitest.Server) []byte {
			return f.IncomingDocument(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "notes.vcf", "text/x-vcard", []byte("no card here"))
		}, []string{"I found no contact in that."}},
		{"a card with no number", false, func(f *greenapitest.Server) []byte {
			return f.IncomingContact(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "Ann", "BEGIN:VCARD\nFN:Ann\nEND:VCARD")
		}, []string{"I could not send:\nAnn: it has no phone number"}},
		{"a send the messenger refuses", true, func(f *greenapitest.Server) []byte {
			return f.IncomingContact(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "Ann", "BEGIN:VCARD\nFN:Ann\nTEL:8 900 765-43-21\nEND:VCARD")
		}, []string{"I could not send:\nAnn: the messenger did not take it, try again later"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, url := serveSendContacts(t)
			if tt.fail {
				fake.FailNext(1, http.StatusBadRequest, 0)
			}
			statuses, err := fake.Push(t.Context(), url, tt.body(fake))
			require.NoError(t, err)
			assert.Equal(t, []int{http.StatusOK}, statuses)
			var texts []string
			for _, m := range fake.SentMessages() {
				texts = append(texts, m.Text)
			}
			assert.Equal(t, tt.want, texts)
		})
	}
}

// A send that fails retryably fails the update, so that GREEN-API
// delivers it again, and the contacts sent before it are not sent again.
func TestSendContactsRetried(t *testing.T) {
	var self atomic.Pointer[greenapitest.Server]
	var n atomic.Int32
	fake, url := serveSendContacts(t, greenapitest.WithPushRetry(3, time.Millisecond),
		greenapitest.WithSentHook(func(greenapitest.SentMessage) {
			if n.Add(1) == 1 {
				self.Load().FailNext(1, http.StatusInternalServerError, 0) // the second card's send
			}
		}))
	self.Store(fake)
	cards := "BEGIN:VCARD\nFN:Ann\nTEL:8 900 765-43-21\nEND:VCARD\nBEGIN:VCARD\nFN:Bob\nTEL:8 900 765-43-22\nEND:VCARD\n"
	statuses, err := fake.Push(t.Context(), url, fake.IncomingDocument(greenapitest.Incoming{ChatID: "79001234567@c.us"},
		"two.vcf", "text/x-vcard", []byte(cards)))
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusServiceUnavailable, http.StatusOK}, statuses)
	var phones []int64
	for _, m := range fake.SentMessages() {
		require.NotNil(t, m.Contact, "a text was sent: %q", m.Text)
		phones = append(phones, m.Contact.PhoneContact)
	}
	assert.Equal(t, []int64{79007654321, 79007654322}, phones, "each card once")
}

// A .vcf file that cannot be downloaded fails the update, so that GREEN-API
// delivers it again.
func TestSendContactsDownloadFails(t *testing.T) {
	fake, url := serveSendContacts(t)
	gone := greenapitest.NewServer()
	body := gone.IncomingDocument(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "a.vcf", "text/x-vcard", []byte("BEGIN:VCARD\nFN:Ann\nEND:VCARD"))
	gone.Close() // the file's URL answers no more
	statuses, err := fake.Push(t.Context(), url, body)
	require.Error(t, err, "GREEN-API gives up after its attempts")
	assert.Equal(t, []int{http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusServiceUnavailable}, statuses)
	assert.Empty(t, fake.SentMessages(), "the user is told nothing: the next delivery may work")
}

// serveSendContacts serves sendContacts to a fake GREEN-API until the test
// ends, at url. The client does not retry, so that a failure shows at once.
func serveSendContacts(t *testing.T, opts ...greenapitest.Option) (fake *greenapitest.Server, url string) {
	t.Helper()
	fake = greenapitest.NewServer(append(opts, greenapitest.WithWebhookToken("hook"))...)
	t.Cleanup(fake.Close)
	client, err := greenapi.New(greenapi.Config{APIURL: fake.URL, IDInstance: fake.IDInstance,
		APITokenInstance: fake.Token, WebhookToken: "hook", MaxRetries: -1})
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnContact, sendContacts)
	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return fake, srv.URL
}

// run fails, and serves nothing, when the bot cannot start.
func TestRunFails(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	tests := []struct {
		name string
		env  map[string]string
		addr string
		want string
	}{
		{"an instance id that is no number", map[string]string{"GREENAPI_ID_INSTANCE": "x", "GREENAPI_API_TOKEN_INSTANCE": "t", "GREENAPI_WEBHOOK_TOKEN": "hook"}, freeAddr(t), "IDInstance"},
		{"the sandbox with real credentials", map[string]string{"AITU_BOT_TOKEN": "t"}, freeAddr(t), "real credentials are set (AITU_BOT_TOKEN)"},
		{"an address in use", nil, taken.Addr().String(), "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, func(k string) string { return tt.env[k] }, tt.addr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			require.NoError(t, ctx.Err(), "run returned at once")
		})
	}
}
