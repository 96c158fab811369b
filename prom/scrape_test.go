package prom_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/prom"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

const (
	user      = "79001112233@c.us"
	hookToken = "hook-token-0123456789"
	hookPath  = "/webhook/greenapi-s3cr3t"
)

// observed returns a fake GREEN-API, its client, and a bot with opts
// that observes into a new prom Observer.
func observed(t *testing.T, opts ...cardbot.Option) (*greenapitest.Server, *greenapi.Client, *prom.Observer, *cardbot.Bot) {
	t.Helper()
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken(hookToken))
	t.Cleanup(fake.Close)
	client, err := greenapi.New(greenapi.Config{APIURL: fake.URL, IDInstance: fake.IDInstance,
		APITokenInstance: fake.Token, WebhookToken: hookToken, Logger: quiet()})
	require.NoError(t, err)
	obs, err := prom.New(prom.Config{})
	require.NoError(t, err)
	opts = append([]cardbot.Option{cardbot.WithObserver(obs), cardbot.WithLogger(quiet()), cardbot.WithProviders(client)}, opts...)
	return fake, client, obs, cardbot.New(opts...)
}

// A scripted run against the fake GREEN-API, through the webhook server:
// every series moves as the run says, and /metrics, scraped over HTTP,
// holds no chat id, number, token or path.
func TestScrapeAfterRun(t *testing.T) {
	fake, client, obs, bot := observed(t)
	echoBot(bot)

	base := serve(t, bot, client, obs)
	push := func(body []byte) {
		t.Helper()
		_, err := fake.Push(context.Background(), base+hookPath, body)
		require.NoError(t, err)
	}
	in := greenapitest.Incoming{ChatID: user}
	hello := fake.IncomingText(in, "hello")
	push(hello)
	push(hello) // GREEN-API delivers it again: a duplicate
	push(fake.IncomingText(in, "/start"))
	push(fake.IncomingContact(in, "Bad", "BEGIN:VCARD\nVERSION:3.0\nFN:Bad\nTEL:123\nEND:VCARD"))
	fake.FailNext(1, http.StatusBadRequest, 0)
	push(fake.IncomingText(in, "boom"))

	got := scrapeURL(t, base+"/metrics")
	for series, want := range map[string]float64{
		`cardbot_updates_received_total{kind="message",provider="greenapi"}`:                                        5,
		`cardbot_updates_deduplicated_total{provider="greenapi"}`:                                                   1,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="ok",provider="greenapi",route="OnText"}`:    1,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="ok",provider="greenapi",route="/start"}`:    1,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="ok",provider="greenapi",route="OnContact"}`: 1,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="error",provider="greenapi",route="OnText"}`: 1,
		`cardbot_sends_total{method="text",provider="greenapi",status="ok"}`:                                        3,
		`cardbot_sends_total{method="text",provider="greenapi",status="400"}`:                                       1,
		`cardbot_send_duration_seconds_count{method="text",provider="greenapi",status="ok"}`:                        3,
	} {
		assert.Equal(t, want, got[series], "%s", series)
	}
	for series := range got {
		assert.False(t, strings.HasPrefix(series, "cardbot_sends_total{method=\"contact\""),
			"a contact without a usable number is refused before any send: %s", series)
	}
	assertNoSecrets(t, got, user, "79001112233", fake.IDInstance, fake.Token, hookToken, hookPath, "s3cr3t", "hello", "Bad")
}

// Async delivery reports its queue, its lag and what it gives up.
func TestScrapeAsync(t *testing.T) {
	fake, client, obs, bot := observed(t,
		delivery.WithAsync(delivery.Config{MaxAttempts: 2, MinRetryWait: time.Millisecond, MaxRetryWait: time.Millisecond}),
		cardbot.WithErrorHandler(func(*cardbot.Context, error) {}))
	handled := make(chan struct{}, 4)
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		defer func() { handled <- struct{}{} }()
		if c.Text() == "fail" {
			return cardbot.Retryable(errors.New("the database is down"))
		}
		return c.Send("ok")
	})
	base := serve(t, bot, client, obs)
	in := greenapitest.Incoming{ChatID: user}
	for _, text := range []string{"one", "fail"} {
		_, err := fake.Push(context.Background(), base+hookPath, fake.IncomingText(in, text))
		require.NoError(t, err)
	}
	for range 3 { // one, and two attempts of fail
		select {
		case <-handled:
		case <-time.After(5 * time.Second):
			t.Fatal("the queued updates were not handled")
		}
	}
	require.Eventually(t, func() bool {
		return scrapeURL(t, base+"/metrics")[`cardbot_dead_letters_total{provider="greenapi"}`] == 1
	}, 5*time.Second, 10*time.Millisecond)

	got := scrapeURL(t, base+"/metrics")
	for series, want := range map[string]float64{
		`cardbot_updates_received_total{kind="message",provider="greenapi"}`:                                            2,
		`cardbot_updates_queued_total{provider="greenapi"}`:                                                             2,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="retryable",provider="greenapi",route="OnText"}`: 2,
		`cardbot_handler_duration_seconds_count{kind="message",outcome="ok",provider="greenapi",route="OnText"}`:        1,
		`cardbot_queue_lag_seconds_count`:                                                                               2, // one per update, not per attempt
		`cardbot_dead_letters_total{provider="greenapi"}`:                                                               1,
	} {
		assert.Equal(t, want, got[series], "%s", series)
	}
	assert.Contains(t, got, "cardbot_queue_depth")
	assertNoSecrets(t, got, user, "79001112233", fake.Token, hookToken, hookPath)
}

// echoBot registers an echo: texts back, /start, contacts sent on or
// their refusal told.
func echoBot(bot *cardbot.Bot) {
	bot.Handle(cardbot.Command("start"), func(c *cardbot.Context) error { return c.Send("Hi!") })
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
	bot.Handle(cardbot.OnContact, func(c *cardbot.Context) error {
		cards, _ := c.Contacts()
		for _, card := range cards {
			if err := c.SendContact(card); err != nil {
				if errors.Is(err, cardbot.ErrNoUsableNumber) {
					return c.Send("I cannot send " + card.FormattedName)
				}
				return err
			}
		}
		return nil
	})
}

// serve runs bot behind a webhook server with /metrics, and returns its
// base URL; the server and the bot are shut down when the test ends.
func serve(t *testing.T, bot *cardbot.Bot, src webhook.Source, obs *prom.Observer) string {
	t.Helper()
	srv := webhook.NewServer(bot, webhook.ServerConfig{Config: webhook.Config{Logger: quiet()}})
	require.NoError(t, srv.Handle(hookPath, src))
	srv.Echo.GET("/metrics", echo.WrapHandler(obs.Handler()))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		assert.NoError(t, srv.Shutdown(ctx))
		assert.NoError(t, <-done)
	})
	return "http://" + l.Addr().String()
}

func scrapeURL(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return parseExposition(t, string(body))
}

// assertNoSecrets fails when a label value holds any of secrets.
func assertNoSecrets(t *testing.T, series map[string]float64, secrets ...string) {
	t.Helper()
	values := labelValues(series)
	require.NotEmpty(t, values)
	for _, v := range values {
		for _, s := range secrets {
			assert.NotContains(t, v, s, "a label value holds %q", s)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }
