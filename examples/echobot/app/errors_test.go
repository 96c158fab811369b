package app

import (
	"context"
	"log/slog"
	"net"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestUsersHearWhatTheyCanActOn: when reading or sending a contact fails
// for a reason inside the bot or the provider, the user gets a sentence
// they can act on, and the error, with its methods and status codes, goes
// to the log, not to the chat.
func TestUsersHearWhatTheyCanActOn(t *testing.T) {
	const vcard = "BEGIN:VCARD\nVERSION:3.0\nN:Андреевич;Виктор;;;\nFN:Виктор Андреевич\nTEL:+7 900 123-45-69\nEND:VCARD"
	tokenRefused := greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"bad token"}`}
	tests := []struct {
		name    string
		max     bool
		fail    *greenapitest.Failure // the next API call's answer
		message func(f *greenapitest.Server, in greenapitest.Incoming) []byte
		texts   []string
		logged  []string // in the log line of the failure
	}{
		{
			name: "the .vcf cannot be downloaded", fail: &tokenRefused,
			message: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
				// Without a downloadUrl the client asks downloadFile for
				// one, and that call fails.
				body := f.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(vcard))
				return regexp.MustCompile(`"downloadUrl":"[^"]*"`).ReplaceAll(body, []byte(`"downloadUrl":""`))
			},
			texts:  []string{"I could not download that file. Please send it again."},
			logged: []string{"echobot: reading contacts failed", "downloadFile", "code 401"},
		},
		{
			name: "the provider refuses the contact", fail: &greenapitest.Failure{Status: 400},
			message: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
				return f.IncomingContact(in, "Виктор", vcard)
			},
			texts:  []string{`I could not send the contact "Виктор Андреевич". Please try again later.`},
			logged: []string{"echobot: sending a contact failed", "sendContact", "400"},
		},
		// On MAX a card not in the instance's contacts goes back as a .vcf
		// file (TestConfiguredMAXContacts); the explanation a bot without
		// that option gives is the handlers' (TestAnswers).
		{
			name: "MAX: the lookup of the contact base is refused", max: true, fail: &tokenRefused,
			message: func(f *greenapitest.Server, in greenapitest.Incoming) []byte {
				return f.IncomingContact(in, "Виктор", vcard)
			},
			texts:  []string{`I could not send the contact "Виктор Андреевич". Please try again later.`},
			logged: []string{"echobot: sending a contact failed", "getContacts", "code 401"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []greenapitest.Option{greenapitest.WithWebhookToken("hook-secret")}
			prefix, route, chat := "GREENAPI_", "/webhook/greenapi", "79001234567@c.us"
			if tt.max {
				opts = append(opts, greenapitest.WithMAX())
				prefix, route, chat = "MAX_", "/webhook/max", "10000000"
			}
			fake := greenapitest.NewServer(opts...)
			t.Cleanup(fake.Close)
			logs := &apitest.SyncBuffer{}
			env := map[string]string{
				prefix + "API_URL": fake.URL, prefix + "ID_INSTANCE": fake.IDInstance,
				prefix + "API_TOKEN_INSTANCE": fake.Token, prefix + "WEBHOOK_TOKEN": "hook-secret",
				"ADDR": "127.0.0.1:0",
			}
			base := runLogged(t, env, slog.New(slog.NewTextHandler(logs, nil)))
			if tt.fail != nil {
				fake.FailNextWith(1, *tt.fail)
			}
			in := greenapitest.Incoming{ChatID: chat}
			_, err := fake.Push(context.Background(), base+route, tt.message(fake, in))
			require.NoError(t, err)

			sent := greenapiReplies(fake)
			assert.Equal(t, tt.texts, textsOf(sent))
			assert.Empty(t, cardsOf(sent))
			for _, text := range textsOf(sent) {
				for _, internal := range []string{"401", "400", "bad token", "greenapi", "downloadFile", "sendContact", "waInstance", fake.Token} {
					assert.NotContains(t, text, internal, "the user hears no internals")
				}
			}
			for _, detail := range tt.logged {
				assert.Contains(t, logs.String(), detail, "the details went to the log")
			}
			assert.NotContains(t, logs.String(), fake.Token, "and the log keeps the token out")
		})
	}
}

// runLogged runs the bot with env and log until the test ends, and
// returns its base URL.
func runLogged(t *testing.T, env map[string]string, log *slog.Logger) string {
	t.Helper()
	quietEnv(env)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, func(k string) string { return env[k] }, log, func(a net.Addr) { addr <- a.String() })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return base
}
