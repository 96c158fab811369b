package contracttest_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// sent is a message a fake accepted, the same for every fake.
type sent struct {
	Method string // "sendMessage", "sendContact"; Aitu's command type
	Chat   string // the chat as the bot names it
	Text   string
}

// messenger is one fake provider, with the bot's webhook route for it.
type messenger struct {
	label string                                       // the messenger ("whatsapp")
	name  string                                       // the provider's name in the bot
	url   string                                       // the bot's route for its webhooks
	push  func(ctx context.Context, body []byte) error // delivers a webhook body as the provider does
	sent  func() []sent                                // what the fake accepted so far
}

// fixture is the contract's bot, behind one webhook server with a route
// per messenger, and the fakes.
type fixture struct {
	bot                        *contractBot
	wa, max, tg                *greenapitest.Server
	ai                         *aitutest.Server
	whatsapp, maxm, tgm, aitum *messenger
}

const webhookToken = "contract-webhook-token-0123456789"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{
		wa:  greenapitest.NewServer(greenapitest.WithWebhookToken(webhookToken)),
		max: greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithWebhookToken(webhookToken)),
		tg:  greenapitest.NewServer(greenapitest.WithTelegram(), greenapitest.WithWebhookToken(webhookToken)),
		ai:  aitutest.NewServer(),
	}
	for _, s := range []*greenapitest.Server{f.wa, f.max, f.tg} {
		t.Cleanup(s.Close)
	}
	t.Cleanup(f.ai.Close)

	green := func(s *greenapitest.Server) *greenapi.Client {
		cfg := s.Config()
		cfg.Logger = slog.New(slog.DiscardHandler)
		c, err := greenapi.New(cfg)
		require.NoError(t, err)
		return c
	}
	wa, maxc, tg := green(f.wa), green(f.max), green(f.tg)
	acfg := f.ai.Config()
	acfg.Logger = slog.New(slog.DiscardHandler)
	ai, err := aitu.New(acfg)
	require.NoError(t, err)
	f.bot = newContractBot(wa, maxc, tg, ai)

	e := echo.New()
	cfg := webhook.Config{Logger: slog.New(slog.DiscardHandler)}
	for path, src := range map[string]webhook.Source{"/webhook/whatsapp": wa, "/webhook/max": maxc, "/webhook/telegram": tg} {
		_, err := webhook.Mount(e, path, f.bot, src, cfg)
		require.NoError(t, err)
	}
	// Aitu signs nothing: its route's path is its secret.
	secret, err := aitu.NewWebhookSecret()
	require.NoError(t, err)
	acfgHook := cfg
	acfgHook.AllowUnauthenticated = true
	_, err = webhook.Mount(e, "/webhook/aitu/"+secret, f.bot, ai, acfgHook)
	require.NoError(t, err)
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)

	f.whatsapp = greenMessenger("whatsapp", wa.Name(), hs.URL+"/webhook/whatsapp", f.wa)
	f.maxm = greenMessenger("max", maxc.Name(), hs.URL+"/webhook/max", f.max)
	f.tgm = greenMessenger("telegram", tg.Name(), hs.URL+"/webhook/telegram", f.tg)
	f.aitum = &messenger{
		label: "aitu", name: ai.Name(), url: hs.URL + "/webhook/aitu/" + secret,
		sent: func() []sent {
			var out []sent
			for _, m := range f.ai.SentMessages() {
				s := sent{Method: m.Type, Chat: aitu.ChatID(m.Recipient.Type, m.Recipient.ID)}
				if m.Content != nil {
					s.Text = *m.Content
				}
				out = append(out, s)
			}
			return out
		},
	}
	f.aitum.push = func(ctx context.Context, body []byte) error {
		_, err := f.ai.Push(ctx, f.aitum.url, aitutest.Batch(body))
		return err
	}
	return f
}

func greenMessenger(label, name, url string, s *greenapitest.Server) *messenger {
	return &messenger{
		label: label, name: name, url: url,
		push: func(ctx context.Context, body []byte) error {
			_, err := s.Push(ctx, url, body)
			return err
		},
		sent: func() []sent {
			var out []sent
			for _, m := range s.SentMessages() {
				out = append(out, sent{Method: m.Method, Chat: m.ChatID, Text: m.Text})
			}
			return out
		},
	}
}

// messengers returns every messenger of the fixture.
func (f *fixture) messengers() []*messenger {
	return []*messenger{f.whatsapp, f.maxm, f.tgm, f.aitum}
}

// sentCounts returns how many messages each fake has accepted so far.
func (f *fixture) sentCounts() map[*messenger]int {
	out := map[*messenger]int{}
	for _, m := range f.messengers() {
		out[m] = len(m.sent())
	}
	return out
}
