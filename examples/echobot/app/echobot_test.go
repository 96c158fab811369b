package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/examples/echobot/handlers"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/sandbox"
)

// start runs the bot with env until the test ends, and returns its base URL.
func start(t *testing.T, env map[string]string) string {
	t.Helper()
	base, _ := run(t, env) // stopped, and its error checked, when t ends
	return base
}

// sandboxSay posts body to a /sandbox/ route and returns what the bot sent.
func sandboxSay(t *testing.T, base, route, body string) []reply {
	t.Helper()
	resp, err := http.Post(base+"/sandbox/"+route, "text/plain", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	var sent []reply
	require.NoError(t, json.Unmarshal(data, &sent))
	return sent
}

// reply is what the sandbox's curl routes answer.
type reply = sandbox.Reply

// greenapiReplies returns what the bot sent to a fake GREEN-API, as
// replies.
func greenapiReplies(fake *greenapitest.Server) []reply {
	var out []reply
	for _, m := range fake.SentMessages() {
		r := reply{Chat: m.ChatID, Text: m.Text}
		if c := m.Contact; c != nil {
			r.Contact = &sandbox.ReplyContact{Account: c.ChatID, FirstName: c.FirstName, LastName: c.LastName, Company: c.Company}
			if c.PhoneContact != 0 {
				r.Contact.Phone = strconv.FormatInt(c.PhoneContact, 10)
			}
		}
		out = append(out, r)
	}
	return out
}

// aituReplies returns what the bot sent to a fake Aitu, as replies.
func aituReplies(fake *aitutest.Server) []reply {
	var out []reply
	for _, c := range fake.SentMessages() {
		r := reply{Chat: aitu.ChatID(c.Recipient.Type, c.Recipient.ID)}
		if c.Content != nil {
			r.Text = *c.Content
		}
		if m := c.InputMedia; m != nil {
			r.Contact = &sandbox.ReplyContact{Phone: strings.TrimPrefix(m.PhoneNumber, "+"), Account: m.UserID, FirstName: m.FirstName, LastName: m.LastName}
		}
		out = append(out, r)
	}
	return out
}

// card is what a sent contact says, the account only as "set" or not.
type card struct {
	phone, first, last, company string
	byAccount                   bool
}

func cardsOf(sent []reply) []card {
	var out []card
	for _, r := range sent {
		if c := r.Contact; c != nil {
			out = append(out, card{c.Phone, c.FirstName, c.LastName, c.Company, c.Account != ""})
		}
	}
	return out
}

func textsOf(sent []reply) []string {
	var out []string
	for _, r := range sent {
		if r.Contact == nil {
			out = append(out, r.Text)
		}
	}
	return out
}

func TestSandbox(t *testing.T) {
	base := start(t, map[string]string{})
	android, err := os.ReadFile("../../../contactcard/testdata/android_21_qp.vcf")
	require.NoError(t, err)
	const victor = "BEGIN:VCARD\nVERSION:3.0\nN:Андреевич;Виктор;;;\nFN:Виктор Андреевич\nORG:Image\nTITLE:\nitem1.TEL;waid=79001234569:+7 900 123-45-69\nitem1.X-ABLabel:Мобильный\nEND:VCARD"

	tests := []struct {
		name, route, body   string
		texts               []string
		whatsapp, max, aitu []card // the contacts sent back on each
	}{
		{name: "start", route: "text", body: "/start", texts: []string{handlers.Greeting}},
		{name: "echo", route: "text", body: "Привет, bot!", texts: []string{"Привет, bot!"}},
		{
			name: "shared contact", route: "contact", body: victor,
			whatsapp: []card{{"79001234569", "Виктор", "Андреевич", "Image", false}},
			max:      []card{{"", "", "", "", true}},
			aitu:     []card{{"79001234569", "Виктор", "Андреевич", "", false}}, // Aitu shares no company
		},
		{
			name: "vcf upload from an Android phone", route: "vcf", body: string(android),
			whatsapp: []card{{"79261112233", "Дмитрий", "Кузнецов", "", false}, {"79641234567", "Ольга", "Лебедева", "ТехноСфера", false}},
			max:      []card{{"", "", "", "", true}, {"", "", "", "", true}},
			aitu:     []card{{"79261112233", "Дмитрий Александрович", "Кузнецов", "", false}, {"79641234567", "Ольга", "Лебедева", "", false}},
		},
		{
			name: "card without a usable number", route: "contact",
			body:  "BEGIN:VCARD\nFN:Tan Wei\nTEL:+65 6123 4567\nEND:VCARD",
			texts: []string{`I cannot send the contact "Tan Wei": "+65 6123 4567": +6561234567 has 10 digits where 11–12 are needed.`},
		},
		{
			name: "card without a phone", route: "contact", body: "BEGIN:VCARD\nFN:Nobody\nEND:VCARD",
			texts: []string{`I cannot send the contact "Nobody": it has no phone number.`},
		},
		{name: "file that is not a vCard", route: "vcf", body: "just some notes", texts: []string{"I found no contact in that file."}},
		{name: "binary file", route: "vcf", body: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", texts: []string{"That file is not a vCard: it is not even text."}},
	}
	for _, m := range []struct{ name, chat string }{{"whatsapp", "79001234567@c.us"}, {"max", "10000000"}, {"aitu", "USER:"}} {
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				sent := sandboxSay(t, base, m.name+"/"+tt.route, tt.body)
				assert.Equal(t, tt.texts, textsOf(sent))
				want := map[string][]card{"whatsapp": tt.whatsapp, "max": tt.max, "aitu": tt.aitu}[m.name]
				assert.Equal(t, want, cardsOf(sent), "MAX shares a contact by its account, resolved by number")
				for _, r := range sent {
					// Aitu's sandbox user has a new USER dialog each run.
					assert.True(t, r.Chat == m.chat || m.name == "aitu" && strings.HasPrefix(r.Chat, m.chat),
						"answers go to the chat the message came from: %q", r.Chat)
				}
			})
		}
	}

	resp, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// With GREENAPI_ID_INSTANCE set the bot talks to the configured API: here a
// greenapitest server playing GREEN-API, which delivers webhooks to the bot.
func TestConfiguredGreenAPI(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
	t.Cleanup(fake.Close)
	base := start(t, map[string]string{
		"GREENAPI_API_URL":            fake.URL,
		"GREENAPI_ID_INSTANCE":        fake.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
		"DEFAULT_REGION":              "KZ",
	})
	hook := base + "/webhook/greenapi"
	ctx := context.Background()
	chat := greenapitest.Incoming{ChatID: "77011234567@c.us"}

	_, err := fake.Push(ctx, hook, fake.IncomingText(chat, "hello"))
	require.NoError(t, err)
	// A national KZ number reads in the configured region.
	_, err = fake.Push(ctx, hook, fake.IncomingContact(chat, "Aigerim", "BEGIN:VCARD\nFN:Aigerim Nur\nTEL:8 701 765 4321\nEND:VCARD"))
	require.NoError(t, err)

	sent := greenapiReplies(fake)
	assert.Equal(t, []string{"hello"}, textsOf(sent))
	assert.Equal(t, []card{{"77017654321", "Aigerim", "Nur", "", false}}, cardsOf(sent))

	// The same message delivered twice is answered once.
	body := fake.IncomingText(chat, "once")
	for range 2 {
		_, err = fake.Push(ctx, hook, body)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"hello", "once"}, textsOf(greenapiReplies(fake)))

	// GREEN-API reports the bot's own replies too; the bot does not answer
	// them, or it would talk to itself forever.
	own := strings.Replace(string(fake.IncomingText(chat, "my own reply")), "incomingMessageReceived", "outgoingAPIMessageReceived", 1)
	_, err = fake.Push(ctx, hook, []byte(own))
	require.NoError(t, err)
	assert.Equal(t, []string{"hello", "once"}, textsOf(greenapiReplies(fake)))

	// A webhook without the token is refused.
	resp, err := http.Post(hook, "application/json", strings.NewReader(string(fake.IncomingText(chat, "x"))))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// With real credentials there is no sandbox: it would let anyone on
	// this machine speak to the bot, which could forward to real people.
	for _, path := range []string{"/sandbox/", "/sandbox/whatsapp/sent", "/sandbox/max/sent"} {
		resp, err = http.Get(base + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
}

func TestBadSettings(t *testing.T) {
	err := Run(context.Background(), func(k string) string {
		return map[string]string{"GREENAPI_ID_INSTANCE": "not-a-number", "GREENAPI_API_TOKEN_INSTANCE": "t",
			"GREENAPI_WEBHOOK_TOKEN": "hook-secret", "ADDR": "127.0.0.1:0"}[k]
	}, slog.New(slog.DiscardHandler), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "whatsapp: GREEN-API settings")
}

// Real GREEN-API credentials without the webhook token would open the
// route to anyone: the bot refuses to start and names the variable. The
// sandbox needs no token.
func TestWebhookTokenRequired(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "" when the bot starts
	}{
		{"whatsapp without a token", map[string]string{"GREENAPI_ID_INSTANCE": "1101000001", "GREENAPI_API_TOKEN_INSTANCE": "t"},
			"GREENAPI_WEBHOOK_TOKEN is required with GREENAPI_ID_INSTANCE"},
		{"max without a token", map[string]string{"MAX_ID_INSTANCE": "1101000002", "MAX_API_TOKEN_INSTANCE": "t"},
			"MAX_WEBHOOK_TOKEN is required with MAX_ID_INSTANCE"},
		{"telegram without a token", map[string]string{"TELEGRAM_ID_INSTANCE": "4100000001", "TELEGRAM_API_TOKEN_INSTANCE": "t"},
			"TELEGRAM_WEBHOOK_TOKEN is required with TELEGRAM_ID_INSTANCE"},
		{"sandbox, no credentials and no token", map[string]string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == "" {
				base := start(t, tt.env)
				require.NotEmpty(t, sandboxSay(t, base, "whatsapp/text", "hi"), "the sandbox answers")
				return
			}
			env := map[string]string{"ADDR": "127.0.0.1:0"}
			quietEnv(env)
			for k, v := range tt.env {
				env[k] = v
			}
			// A bot that started anyway stops with the context, without an
			// error.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			err := Run(ctx, func(k string) string { return env[k] }, slog.New(slog.DiscardHandler), nil)
			require.Error(t, err, "refused to start")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// With AITU_BOT_TOKEN set the bot talks to the configured Aitu API, and its
// webhook route ends in the secret: any other path is 404.
func TestConfiguredAitu(t *testing.T) {
	fake := aitutest.NewServer()
	t.Cleanup(fake.Close)
	const secret = "Zq3-unguessable-path-segment"
	var logs strings.Builder
	env := map[string]string{
		"AITU_API_URL":        fake.Config().APIURL,
		"AITU_BOT_TOKEN":      fake.Token,
		"AITU_WEBHOOK_SECRET": secret,
		"ADDR":                "127.0.0.1:0",
	}
	quietEnv(env)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)), func(a net.Addr) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("the bot did not start")
	}

	chat := aitu.ChatID(aitu.PeerGroup, aitutest.NewUUID())
	_, err := fake.Push(context.Background(), base+"/webhook/aitu/"+secret, aitutest.Batch(fake.IncomingText(aitutest.Incoming{ChatID: chat}, "салем")))
	require.NoError(t, err)
	sent := aituReplies(fake)
	require.Len(t, sent, 1)
	assert.Equal(t, reply{Chat: chat, Text: "салем"}, sent[0], "a group's reply keeps the GROUP peer type")

	resp, err := http.Post(base+"/webhook/aitu/wrong-secret", "application/json", strings.NewReader(`{"updates":[]}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	cancel()
	require.NoError(t, <-done)
	assert.NotContains(t, logs.String(), secret, "the secret path is never logged")
	assert.NotContains(t, logs.String(), fake.Token, "nor the bot token")
}

func TestAituTokenNeedsASecret(t *testing.T) {
	err := Run(context.Background(), func(k string) string {
		return map[string]string{"AITU_BOT_TOKEN": "token", "ADDR": "127.0.0.1:0"}[k]
	}, slog.New(slog.DiscardHandler), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AITU_WEBHOOK_SECRET is required")
}

// syncWriter lets the bot's goroutines log into one builder.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
