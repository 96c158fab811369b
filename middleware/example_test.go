package middleware_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"golang.org/x/time/rate"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/middleware"
)

// printer returns a provider that prints what the bot sends.
func printer() *cardbottest.Provider {
	p := cardbottest.NewProvider("demo")
	p.OnSend(cardbottest.Print(os.Stdout))
	return p
}

func text(chat, s string) cardbot.Update {
	return cardbot.Update{Kind: cardbot.KindMessage, Chat: cardbot.Chat{ID: chat}, Sender: cardbot.User{ID: chat},
		Message: &cardbot.Message{Text: s}}
}

// Middlewares for every update (Use) and for one group of handlers: a
// panicking handler becomes an error, the admin commands answer only the
// admin's chat, and a chat may not send more than one update a second.
func Example() {
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) {
			var pe *cardbot.PanicError
			if errors.As(err, &pe) {
				fmt.Println("recovered:", pe.Value) // pe.Stack has the stack
			}
		}))
	bot.Use(middleware.Recover(), middleware.Timeout(10*time.Second))
	bot.Use(middleware.RateLimit(rate.Every(time.Second), 1))

	admin := bot.Group(middleware.Allow("admin-chat"))
	admin.Handle(cardbot.Command("stats"), func(c *cardbot.Context) error { return c.Send("42 contacts") })
	bot.Handle(cardbot.Command("boom"), func(*cardbot.Context) error { panic("a bug") })

	ctx := context.Background()
	_ = bot.Dispatch(ctx, printer(), text("admin-chat", "/stats"))
	_ = bot.Dispatch(ctx, printer(), text("stranger", "/stats")) // not the admin: nothing runs
	_ = bot.Dispatch(ctx, printer(), text("stranger2", "/boom"))
	// Output:
	// to admin-chat: 42 contacts
	// recovered: a bug
}
