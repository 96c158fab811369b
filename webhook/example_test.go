package webhook_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// newExampleBot returns an echo bot for a GREEN-API instance that fake
// plays, and its client.
func newExampleBot(fake *greenapitest.Server) (*cardbot.Bot, *greenapi.Client, error) {
	cfg := fake.Config() // its API URL, instance, token and webhook token
	cfg.Logger = slog.New(slog.DiscardHandler)
	client, err := greenapi.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send("you said: " + c.Text())
	})
	return bot, client, nil
}

// A bot's webhook route in net/http's ServeMux: NewHandler is an
// http.Handler, so chi and other routers take it the same way.
func ExampleNewHandler() {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("a-long-random-webhook-token"))
	defer fake.Close()
	bot, client, err := newExampleBot(fake)
	if err != nil {
		fmt.Println(err)
		return
	}

	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	if err != nil {
		fmt.Println(err) // webhook.ErrUnauthenticated without a WebhookToken
		return
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhook/greenapi", h)
	srv := httptest.NewServer(mux) // or http.Server{Handler: mux, …}.ListenAndServe()
	defer srv.Close()

	// GREEN-API delivers a message to the route.
	in := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	if _, err := fake.Push(context.Background(), srv.URL+"/webhook/greenapi", fake.IncomingText(in, "hello")); err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range fake.SentMessages() {
		fmt.Println(m.ChatID, m.Text)
	}
	// Output: 79001234567@c.us you said: hello
}

// A bot's webhook route in an echo application you already run.
func ExampleMount() {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("a-long-random-webhook-token"))
	defer fake.Close()
	bot, client, err := newExampleBot(fake)
	if err != nil {
		fmt.Println(err)
		return
	}

	e := echo.New()
	if _, err := webhook.Mount(e, "/webhook/greenapi", bot, client, webhook.Config{}); err != nil {
		fmt.Println(err) // webhook.ErrUnauthenticated without a WebhookToken
		return
	}
	srv := httptest.NewServer(e) // or e.Start(":8080")
	defer srv.Close()

	in := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	if _, err := fake.Push(context.Background(), srv.URL+"/webhook/greenapi", fake.IncomingText(in, "hello")); err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range fake.SentMessages() {
		fmt.Println(m.ChatID, m.Text)
	}
	// Output: 79001234567@c.us you said: hello
}
