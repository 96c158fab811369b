package greenapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// A Telegram instance: numeric chats, the group's negative, and a contact
// with a first name always.
func ExampleClient_Send_telegram() {
	srv := greenapitest.NewServer(greenapitest.WithTelegram()) // a fake Telegram instance
	defer srv.Close()
	c, err := greenapi.New(srv.Config()) // Messenger: greenapi.Telegram
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Send(ctx, "-10000000000000", cardbot.Text{Body: "Hello, group!"}); err != nil {
		log.Fatal(err)
	}
	card := contactcard.Card{FormattedName: "Ivan Tsarevich", Phones: []contactcard.Phone{{Number: "79001234569"}}}
	if _, err := c.Send(ctx, "10000000", cardbot.Contact{Card: card}); err != nil {
		log.Fatal(err)
	}
	for _, m := range srv.SentMessages() {
		if m.Contact != nil {
			fmt.Println(m.Method, m.ChatID, m.Contact.PhoneContact, m.Contact.FirstName)
		} else {
			fmt.Println(m.Method, m.ChatID, m.Text)
		}
	}
	// Output:
	// sendMessage -10000000000000 Hello, group!
	// sendContact 10000000 79001234569 Ivan Tsarevich
}

// Pointing an instance's webhook at the bot's route, and what the route's
// decoder does with another instance's notification.
func ExampleClient_SetWebhook() {
	srv := greenapitest.NewServer(greenapitest.WithTelegram(), greenapitest.WithCredentials("4100000000", ""))
	defer srv.Close()
	cfg := srv.Config()
	cfg.WebhookToken = "my-webhook-secret"
	c, err := greenapi.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.SetWebhook(context.Background(), "https://bot.example.com/webhook/telegram"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Settings().WebhookURL)

	whatsapp := greenapitest.NewServer(greenapitest.WithCredentials("4100000000", ""))
	defer whatsapp.Close()
	_, err = c.DecodeWebhook(whatsapp.IncomingText(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "hi"))
	fmt.Println(errors.Is(err, greenapi.ErrWrongInstance), errors.Is(err, cardbot.ErrMisrouted))
	fmt.Println(err)
	// Output:
	// https://bot.example.com/webhook/telegram
	// true true
	// greenapi: provider "telegram": notification of WhatsApp instance 4100000000 refused: it serves Telegram instance 4100000000
}
