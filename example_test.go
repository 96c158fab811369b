package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/delivery"
)

// printer returns a provider that prints what it sends.
func printer() *cardbottest.Provider {
	p := cardbottest.NewProvider("printer")
	p.OnSend(func(_ context.Context, chatID string, out cardbot.Outgoing) error {
		switch o := out.(type) {
		case cardbot.Text:
			fmt.Printf("to %s: %q (reply to %q)\n", chatID, o.Body, o.ReplyTo)
		case cardbot.Contact:
			ph, _ := o.Card.PrimaryPhone()
			fmt.Printf("to %s: contact %s %s\n", chatID, o.Card.FormattedName, ph.Number)
		}
		return nil
	})
	return p
}

func ExampleNew() {
	b := cardbot.New(
		cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithDefaultRegion("KZ"),
		delivery.WithAsync(delivery.Config{QueueSize: 1000, Concurrency: 8}),
		cardbot.WithErrorHandler(func(c *cardbot.Context, err error) {
			fmt.Println("failed:", err)
		}),
	)
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send("got it")
	})
	_ = b.Dispatch(context.Background(), printer(), cardbot.Update{
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{ID: "chat"},
		Message: &cardbot.Message{ID: "m1", Text: "hello"},
	})
	_ = b.Shutdown(context.Background()) // drains the queue
	// Output:
	// to chat: "got it" (reply to "")
}

func ExampleBot_Handle() {
	b := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	b.Handle(cardbot.Command("start"), func(c *cardbot.Context) error {
		return c.Send("welcome, args " + fmt.Sprint(c.Args()))
	})
	b.Handle(cardbot.Pattern(`(?i)^hello`), func(c *cardbot.Context) error {
		return c.Reply("hello to you")
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send("echo: " + c.Text())
	})

	for i, text := range []string{"/start ref 42", "Hello bot", "anything"} {
		_ = b.Dispatch(context.Background(), printer(), cardbot.Update{
			Kind:    cardbot.KindMessage,
			Chat:    cardbot.Chat{ID: "chat"},
			Message: &cardbot.Message{ID: fmt.Sprint("m", i), Text: text},
		})
	}
	// Output:
	// to chat: "welcome, args [ref 42]" (reply to "")
	// to chat: "hello to you" (reply to "m1")
	// to chat: "echo: anything" (reply to "")
}

func ExampleBot_Dispatch() {
	b := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	calls := 0
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		calls++
		if calls == 1 {
			return cardbot.Retryable(errors.New("database is down"))
		}
		return nil
	})
	u := cardbot.Update{
		Key:     "instance1/chat/msg1", // set by the provider's decoder
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{ID: "chat"},
		Message: &cardbot.Message{ID: "msg1", Text: "hi"},
	}
	// What a webhook receiver does with each delivery of the same update:
	for range 3 {
		err := b.Dispatch(context.Background(), printer(), u)
		if cardbot.IsRetryable(err) {
			fmt.Println("503:", err)
		} else {
			fmt.Println("200")
		}
	}
	fmt.Println("handled", calls, "times")
	// Output:
	// 503: database is down
	// 200
	// 200
	// handled 2 times
}

func ExampleContext_SendContact() {
	u := cardbot.Update{
		Kind: cardbot.KindMessage,
		Chat: cardbot.Chat{ID: "chat"},
		Message: &cardbot.Message{ID: "m1", Contacts: []cardbot.VCardRef{{
			VCard: "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nTEL:8 900 123-45-67\nEND:VCARD\n",
		}, {
			VCard: "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL:12345\nEND:VCARD\n",
		}}},
	}
	// cardbottest.Handle runs a handler alone, as tests do.
	_, _ = cardbottest.Handle(context.Background(), func(c *cardbot.Context) error {
		cards, err := c.Contacts()
		if err != nil {
			fmt.Println(err)
			return nil
		}
		for _, card := range cards {
			if err := c.SendContact(card); err != nil {
				var pe *contactcard.PhoneError
				if errors.As(err, &pe) {
					fmt.Printf("cannot send %s: %q rejected\n", card.FormattedName, pe.Raw)
				}
			}
		}
		return nil
	}, printer(), u)
	// Output:
	// to chat: contact Ann 79001234567
	// cannot send Bob: "12345" rejected
}
