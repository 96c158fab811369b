package greenapitest_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// A test of a bot against the fake GREEN-API: the fake delivers a
// webhook as GREEN-API would and records what the bot sends back; the
// next send fails with 400, as a real instance would refuse it.
func Example() {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("a-long-random-webhook-token"))
	defer fake.Close()
	cfg := fake.Config() // the fake's API URL, instance, token and webhook token
	cfg.Logger = slog.New(slog.DiscardHandler)
	client, err := greenapi.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { fmt.Println("handler:", err) }))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send("you said: " + c.Text()) })
	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	in := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	status, err := fake.Push(context.Background(), srv.URL, fake.IncomingText(in, "hello"))
	fmt.Println(status, err)
	for _, m := range fake.SentMessages() {
		fmt.Println(m.Method, m.ChatID, m.Text)
	}

	fake.FailNext(1, http.StatusBadRequest, 0)
	status, err = fake.Push(context.Background(), srv.URL, fake.IncomingText(in, "again"))
	fmt.Println(status, err)
	// Output:
	// [200] <nil>
	// sendMessage 79001234567@c.us you said: hello
	// handler: greenapi: sendMessage: 400 Bad Request: bad request data
	// [200] <nil>
}
