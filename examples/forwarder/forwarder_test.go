package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// A contact shared on WhatsApp goes to a MAX group; the user is told.
func TestForwardWhatsAppToMAX(t *testing.T) {
	wa := greenapitest.NewServer(greenapitest.WithWebhookToken("wa-hook"))
	t.Cleanup(wa.Close)
	mx := greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithWebhookToken("max-hook"))
	t.Cleanup(mx.Close)
	mx.AddMAXContact("79001234569", "20001234", "Виктор")

	addr := serve(t, environment(wa, mx, "max:-10000000000000"))

	from := greenapitest.Incoming{ChatID: "79001112233@c.us"}
	vcard := "BEGIN:VCARD\nVERSION:3.0\nN:Андреевич;Виктор;;;\nFN:Виктор Андреевич\nitem1.TEL;waid=79001234569:+7 900 123-45-69\nEND:VCARD"
	_, err := wa.Push(context.Background(), "http://"+addr+"/webhook/greenapi", wa.IncomingContact(from, "Виктор", vcard))
	require.NoError(t, err)

	toMAX := mx.SentMessages()
	require.Len(t, toMAX, 1)
	assert.Equal(t, "sendContact", toMAX[0].Method)
	assert.Equal(t, "-10000000000000", toMAX[0].ChatID)
	require.NotNil(t, toMAX[0].Contact)
	assert.Equal(t, "20001234", toMAX[0].Contact.ChatID, "shared by its MAX account, looked up by number")

	back := wa.SentMessages()
	require.Len(t, back, 1)
	assert.Equal(t, "79001112233@c.us", back[0].ChatID)
	assert.Equal(t, "Forwarded 1 contact(s) to max.", back[0].Text)
	assert.NotEmpty(t, back[0].QuotedMessageID, "the reply quotes the contact message")
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no target", map[string]string{"MAX_ID_INSTANCE": "1101000001"}, "FORWARD_TO must be"},
		{"target without chat", map[string]string{"FORWARD_TO": "max"}, "FORWARD_TO must be"},
		{"target not configured", map[string]string{"FORWARD_TO": "max:1", "GREENAPI_ID_INSTANCE": "1101000001",
			"GREENAPI_API_TOKEN_INSTANCE": "t", "GREENAPI_WEBHOOK_TOKEN": "hook"}, `"max", which is not configured`},
		{"sandbox target of no messenger", map[string]string{"FORWARD_TO": "viber:1"}, `"viber", which is not configured`},
		{"bad instance", map[string]string{"FORWARD_TO": "max:1", "MAX_ID_INSTANCE": "x", "MAX_API_TOKEN_INSTANCE": "t"}, "MAX:"},
		{"no webhook token", map[string]string{"FORWARD_TO": "max:1", "MAX_ID_INSTANCE": "1101000001", "MAX_API_TOKEN_INSTANCE": "t"},
			"MAX_WEBHOOK_TOKEN is required with MAX_ID_INSTANCE"},
		{"real credentials in the sandbox", map[string]string{"AITU_BOT_TOKEN": "t"}, "sandbox: refusing to start: real credentials are set (AITU_BOT_TOKEN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := setup(func(k string) string { return tt.env[k] }, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			assert.True(t, strings.Contains(err.Error(), tt.want), err.Error())
		})
	}
}

// A batch whose second contact fails after the first was forwarded is not
// failed: its delivery again would forward the first one twice. The user
// is told which one did not go.
func TestForwardDoesNotRepeatABatch(t *testing.T) {
	var wa *greenapitest.Server
	var once sync.Once
	wa = greenapitest.NewServer(greenapitest.WithWebhookToken("wa-hook"), greenapitest.WithSentHook(func(greenapitest.SentMessage) {
		once.Do(func() { wa.FailNext(5, http.StatusInternalServerError, 0) }) // every send after the first fails
	}))
	t.Cleanup(wa.Close)
	mx := greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithWebhookToken("max-hook"))
	t.Cleanup(mx.Close)
	addr := serve(t, environment(wa, mx, "greenapi:79005556677@c.us"))

	two := "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nTEL:+7 900 765-43-21\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL:+7 900 765-43-22\nEND:VCARD\n"
	statuses, err := mx.Push(context.Background(), "http://"+addr+"/webhook/max",
		mx.IncomingDocument(greenapitest.Incoming{ChatID: "10000000"}, "two.vcf", "text/x-vcard", []byte(two)))
	require.NoError(t, err)
	assert.Equal(t, []int{http.StatusOK}, statuses, "answered once: no delivery again")

	forwarded := wa.SentMessages()
	require.Len(t, forwarded, 1, "Ann went, once")
	assert.Equal(t, "79005556677@c.us", forwarded[0].ChatID)
	back := mx.SentMessages()
	require.Len(t, back, 1)
	assert.Equal(t, "Forwarded 1 contact(s) to greenapi. Not forwarded: Bob (the messenger did not take it; send it again later)", back[0].Text)
}

// With no instance set the forwarder runs in the sandbox: a contact shared
// on MAX (whose directory, in the sandbox, has every Russian number) goes
// to the sandbox's MAX group, and the user is told.
func TestForwardInTheSandbox(t *testing.T) {
	addr := serve(t, nil)

	resp, err := http.Post("http://"+addr+"/sandbox/max/contact", "text/vcard",
		strings.NewReader("BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nTEL:+7 900 765-43-21\nEND:VCARD\n"))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), "Forwarded 1 contact(s) to max.")

	resp, err = http.Get("http://" + addr + "/sandbox/max/sent")
	require.NoError(t, err)
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `"chat":"-10000000000001"`, "the contact went to the MAX group")

	// Shared on WhatsApp, the numbers have no MAX account in the sandbox's
	// directory, a British one cannot be looked up, a number too short is
	// no number, and a card may have none: the user hears why.
	for _, tt := range []struct{ tel, want string }{
		{"+7 900 765-43-22", "Not forwarded: Bob Ray (+79007654322 has no MAX account)"},
		{"+44 20 7946 0958", "Not forwarded: Bob Ray (+442079460958 has no MAX account)"},
		{"+65 6123 4567", "Not forwarded: Bob Ray (+6561234567 has 10 digits where 11–12 are needed)"},
		{"", "Not forwarded: Bob Ray (it has no phone number)"},
	} {
		card := "BEGIN:VCARD\nVERSION:3.0\nFN:Bob Ray\n"
		if tt.tel != "" {
			card += "TEL:" + tt.tel + "\n"
		}
		resp, err = http.Post("http://"+addr+"/sandbox/whatsapp/contact", "text/vcard",
			strings.NewReader(card+"END:VCARD\n"))
		require.NoError(t, err)
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Contains(t, string(body), tt.want)
	}
}

// A forward that fails retryably before anything went fails the update,
// so that the messenger delivers it again; the delivery again forwards it.
func TestForwardFailsForADeliveryAgain(t *testing.T) {
	post := inTheSandbox(t)

	// The sandbox's MAX answers the next send with 500.
	status, body := post("max/fault", `{"fail":500}`)
	require.Equal(t, http.StatusOK, status, body)
	status, body = post("max/contact", "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nTEL:+7 900 765-43-21\nEND:VCARD\n")
	assert.Equal(t, http.StatusBadGateway, status)
	assert.JSONEq(t, `{"error":"the bot answered the webhook with Service Unavailable","status":503,"replies":[]}`, body,
		"the user is told nothing yet")

	status, body = post("max/again", "")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "Forwarded 1 contact(s) to max.")
}

// A file with no card forwards nothing; the update is not delivered again,
// for it would fail the same.
func TestForwardNoCard(t *testing.T) {
	post := inTheSandbox(t)
	status, body := post("max/vcf", "no card here")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[]`, body)
}

// inTheSandbox runs the forwarder in the sandbox until the test ends; post
// posts to its /sandbox/ routes.
func inTheSandbox(t *testing.T) (post func(route, body string) (int, string)) {
	t.Helper()
	addr := serve(t, nil)
	return func(route, body string) (int, string) {
		resp, err := http.Post("http://"+addr+"/sandbox/"+route, "text/plain", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(data)
	}
}

// environment is the forwarder's environment for the fake WhatsApp wa and
// the fake MAX mx, forwarding to forwardTo.
func environment(wa, mx *greenapitest.Server, forwardTo string) map[string]string {
	return map[string]string{
		"FORWARD_TO":                  forwardTo,
		"GREENAPI_API_URL":            wa.URL,
		"GREENAPI_ID_INSTANCE":        wa.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": wa.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "wa-hook",
		"MAX_API_URL":                 mx.URL,
		"MAX_ID_INSTANCE":             mx.IDInstance,
		"MAX_API_TOKEN_INSTANCE":      mx.Token,
		"MAX_WEBHOOK_TOKEN":           "max-hook",
	}
}

// serve runs the forwarder set up from env (in the sandbox when env is
// empty) on a loopback port until the test ends, and returns its address.
func serve(t *testing.T, env map[string]string) string {
	t.Helper()
	srv, err := setup(func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background()) // drains the sandbox first
	})
	return l.Addr().String()
}
