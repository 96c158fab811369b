package aitutest_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/webhook"
)

// A test of a bot against the fake Aitu Bot API: the fake delivers a
// batch of updates to the bot's webhook as Aitu would, and records the
// commands the bot sends back.
func Example() {
	fake := aitutest.NewServer()
	defer fake.Close()
	cfg := fake.Config() // the fake's API URL and bot token
	cfg.Logger = slog.New(slog.DiscardHandler)
	client, err := aitu.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send("you said: " + c.Text()) })
	// Aitu signs nothing: the route's secret path keeps strangers out, so
	// it is mounted as an unauthenticated route.
	h, err := webhook.NewHandler(bot, client, webhook.Config{AllowUnauthenticated: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	status, err := fake.Push(context.Background(), srv.URL, aitutest.Batch(fake.IncomingText(aitutest.Incoming{}, "сәлем")))
	fmt.Println(status, err)
	for _, m := range fake.SentMessages() {
		fmt.Println(m.Type, m.Recipient.Type, *m.Content)
	}
	// Output:
	// [200] <nil>
	// SendMessage USER you said: сәлем
}
