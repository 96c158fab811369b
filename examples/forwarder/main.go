// Command forwarder shows cardbot's cross-provider API: every contact a user
// shares with the bot, on any messenger it serves, is forwarded to one chat
// on another messenger (a team's MAX group, say), and the user is told so.
//
// It reads the same GREEN-API variables as the echobot (GREENAPI_* for
// WhatsApp, MAX_* for MAX; a messenger whose instance id is unset is not
// served) and:
//
//	FORWARD_TO   the chat to forward to, as "<provider>:<chat id>":
//	             "max:-10000000000000" or "greenapi:79001234567@c.us"
//	ADDR         the listen address, ":8080" by default
//
// With neither instance set it runs in the sandbox, which plays WhatsApp,
// MAX and Aitu on loopback (open http://127.0.0.1:8080/sandbox/): a contact
// shared on any of them is forwarded to FORWARD_TO, by default the
// sandbox's MAX group chat ("max:-10000000000001").
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv, err := setup(os.Getenv, log)
	if err != nil {
		log.Error("forwarder", "error", err)
		os.Exit(1)
	}
	// Serves until SIGTERM, then drains for 30 s at most.
	if err := srv.Run(ctx); err != nil {
		log.Error("forwarder", "error", err)
		os.Exit(1)
	}
}

// sandboxTarget is FORWARD_TO's default in the sandbox: its MAX group.
const sandboxTarget = "max:-10000000000001"

// setup builds the bot and its webhook server from the environment, in
// the sandbox when no instance is set; the server's Shutdown then drains
// the bot before it closes the sandbox.
func setup(getenv func(string) string, log *slog.Logger) (*webhook.Server, error) {
	sandboxed := getenv("GREENAPI_ID_INSTANCE") == "" && getenv("MAX_ID_INSTANCE") == ""
	target := getenv("FORWARD_TO")
	if target == "" && sandboxed {
		target = sandboxTarget
	}
	to, chat, ok := strings.Cut(target, ":")
	if !ok || to == "" || chat == "" {
		return nil, errors.New(`FORWARD_TO must be "<provider>:<chat id>", as "max:-10000000000000"`)
	}
	bot := cardbot.New(cardbot.WithLogger(log))
	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: getenv("ADDR")})
	if sandboxed {
		sb, err := sandbox.New(bot, sandbox.Config{Getenv: getenv, Logger: log})
		if err != nil {
			return nil, err
		}
		sb.Mount(srv.Echo)
		// The bot drains while the fake APIs still take its answers;
		// then the sandbox closes, ending the page's event streams,
		// which would hold the server's drain.
		srv.OnShutdown(sb.Shutdown)
	}
	for _, p := range []struct {
		prefix, path string
		kind         greenapi.Messenger
	}{{"GREENAPI_", "/webhook/greenapi", greenapi.WhatsApp}, {"MAX_", "/webhook/max", greenapi.MAX}} {
		if getenv(p.prefix+"ID_INSTANCE") == "" {
			continue
		}
		client, err := greenapi.New(greenapi.Config{
			Messenger:        p.kind,
			APIURL:           getenv(p.prefix + "API_URL"),
			IDInstance:       getenv(p.prefix + "ID_INSTANCE"),
			APITokenInstance: getenv(p.prefix + "API_TOKEN_INSTANCE"),
			WebhookToken:     getenv(p.prefix + "WEBHOOK_TOKEN"),
			Logger:           log,
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", strings.TrimSuffix(p.prefix, "_"), err)
		}
		if err := bot.AddProvider(client); err != nil {
			return nil, err
		}
		if err := srv.Handle(p.path, client); err != nil {
			if errors.Is(err, webhook.ErrUnauthenticated) {
				return nil, fmt.Errorf("%sWEBHOOK_TOKEN is required with %sID_INSTANCE: %w", p.prefix, p.prefix, err)
			}
			return nil, err
		}
	}
	if _, ok := bot.Provider(to); !ok {
		_ = srv.Shutdown(context.Background()) // closes the sandbox
		return nil, fmt.Errorf("FORWARD_TO names %q, which is not configured", to)
	}
	bot.Handle(cardbot.OnContact, forward(to, chat))
	return srv, nil
}

// forward sends every contact of a message to chat on provider to, and
// tells the sender how many went and which did not, and why.
//
// Delivery is at least once per update, so a handler that fails
// retryably runs again on the update's next delivery. It does so only
// while nothing was forwarded: once a contact went, a failure of a later
// one is told to the user instead, or the next delivery would forward the
// first ones twice.
func forward(to, chat string) cardbot.HandlerFunc {
	return func(c *cardbot.Context) error {
		cards, err := c.Contacts()
		if err != nil && len(cards) == 0 {
			return err
		}
		sent := 0
		var failed []string
		for _, card := range cards {
			_, err := c.Bot().Send(c.Context(), to, chat, cardbot.Contact{Card: card})
			switch {
			case err == nil:
				sent++
			case cardbot.IsRetryable(err) && sent == 0:
				return err // nothing went yet: let the messenger deliver it again
			default:
				c.Bot().Logger().Warn("forwarding a contact failed", "contact", card.FormattedName, "error", err)
				failed = append(failed, card.FormattedName+" ("+why(card, err)+")")
			}
		}
		msg := fmt.Sprintf("Forwarded %d contact(s) to %s.", sent, to)
		if len(failed) > 0 {
			msg += " Not forwarded: " + strings.Join(failed, "; ")
		}
		return c.Reply(msg)
	}
}

// why says in words the user can act on why card was not forwarded; the
// error itself goes to the log.
func why(card contactcard.Card, err error) string {
	var pe *contactcard.PhoneError
	var notOnMAX *greenapi.NotOnMAXError
	switch {
	case errors.As(err, &pe):
		return pe.Reason
	case errors.As(err, &notOnMAX):
		return "+" + notOnMAX.Number + " has no MAX account"
	case errors.Is(err, cardbot.ErrNoUsableNumber) && len(card.Phones) == 0:
		return "it has no phone number"
	case errors.Is(err, cardbot.ErrNoUsableNumber):
		return "that messenger has no account for its number"
	}
	return "the messenger did not take it; send it again later"
}
