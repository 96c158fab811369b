// Command minimal is a whole cardbot bot in one file: it sends back every
// contact a user shares (a card, or a .vcf file of many), and tells the
// user which ones it could not send, and why.
//
// With GREEN-API credentials in the environment it answers on WhatsApp;
// with none it runs in the sandbox: open http://127.0.0.1:8080/sandbox/.
//
//	go get github.com/cardbot/cardbot@latest
//	go build -o minimal . && ./minimal
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/sandbox"
	"github.com/cardbot/cardbot/webhook"
)

func main() {
	// SIGTERM (a deployment stopping the bot) and Ctrl-C end ctx: the bot
	// then drains what is in flight.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, "127.0.0.1:8080"); err != nil {
		log.Fatal(err)
	}
}

// run serves the bot on addr until ctx ends.
func run(ctx context.Context, getenv func(string) string, addr string) error {
	bot := cardbot.New()
	bot.Handle(cardbot.OnContact, sendContacts)
	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: addr})

	if id := getenv("GREENAPI_ID_INSTANCE"); id != "" {
		client, err := greenapi.New(greenapi.Config{
			IDInstance:       id,
			APITokenInstance: getenv("GREENAPI_API_TOKEN_INSTANCE"),
			WebhookToken:     getenv("GREENAPI_WEBHOOK_TOKEN"),
		})
		if err != nil {
			return err
		}
		if err := bot.AddProvider(client); err != nil {
			return err
		}
		if err := srv.Handle("/webhook/greenapi", client); err != nil {
			return err // webhook.ErrUnauthenticated: GREENAPI_WEBHOOK_TOKEN is empty
		}
	} else {
		sb, err := sandbox.New(bot, sandbox.Config{Getenv: getenv})
		if err != nil {
			return err
		}
		defer sb.Close()
		// When ctx ends, the bot drains while the fake APIs still take
		// its answers; then the sandbox closes, ending the page's event
		// streams, which would hold the server's drain.
		srv.OnShutdown(sb.Shutdown)
		sb.Mount(srv.Echo)
		log.Printf("no credentials: open http://%s/sandbox/", addr)
	}

	return srv.Run(ctx) // then it drains, for 30 s at most
}

// sendContacts sends back every contact of the message, and tells the
// user which ones it could not send, and why.
func sendContacts(c *cardbot.Context) error {
	cards, err := c.Contacts()
	if len(cards) == 0 {
		switch {
		case errors.Is(err, contactcard.ErrNoCard), errors.Is(err, contactcard.ErrNotText):
			return c.Send("I found no contact in that.")
		case err != nil:
			return err // a download that failed: the provider delivers the update again
		}
		return nil
	}
	var notSent []string
	for _, card := range cards {
		err := c.SendContact(card)
		var pe *contactcard.PhoneError
		switch {
		case err == nil:
		case errors.As(err, &pe):
			notSent = append(notSent, fmt.Sprintf("%s: %s", card.FormattedName, pe.Reason))
		case errors.Is(err, cardbot.ErrNoUsableNumber):
			notSent = append(notSent, card.FormattedName+": it has no phone number")
		case cardbot.IsRetryable(err):
			// A 5xx or a network failure: GREEN-API delivers the update
			// again, and the contacts sent before this one are not sent
			// twice (the bot's send ledger skips them).
			return err
		default:
			log.Printf("sending %q: %v", card.FormattedName, err)
			notSent = append(notSent, card.FormattedName+": the messenger did not take it, try again later")
		}
	}
	if len(notSent) == 0 {
		return nil
	}
	return c.Send("I could not send:\n" + strings.Join(notSent, "\n"))
}
