// Command contactbook is a bot that keeps lists of contacts, a
// conversation of several steps: /add asks for a contact (a shared card or
// a .vcf file), then which list it goes to, and saves it; /list shows the
// lists or one of them; /export sends a list back as one .vcf file;
// /cancel leaves any step.
//
// Its contact books are the data of each chat's conversation, kept in the
// store STORE names: "memory" (the default; lost on exit), "file:PATH" (a
// bbolt file that survives restarts) or a redis:// URL (shared by several
// instances, which then take turns per chat). With GREEN-API credentials
// (GREENAPI_ID_INSTANCE, GREENAPI_API_TOKEN_INSTANCE,
// GREENAPI_WEBHOOK_TOKEN) it answers on WhatsApp; with none, in the
// sandbox, on WhatsApp, MAX and Aitu: open http://127.0.0.1:8080/sandbox/.
//
//	go build -o contactbook ./examples/contactbook && ./contactbook
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/sandbox"
	"github.com/cardbot/cardbot/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, "127.0.0.1:8080", slog.Default()); err != nil {
		slog.Error("contactbook", "error", err)
		os.Exit(1)
	}
}

// run serves the contact book on addr until ctx ends.
func run(ctx context.Context, getenv func(string) string, addr string, log *slog.Logger) error {
	st, err := openStore(getenv("STORE"), getenv("STORE_PREFIX"))
	if err != nil {
		return err
	}
	defer st.close()

	bot := cardbot.New(cardbot.WithLogger(log), cardbot.WithState(cardbot.StateConfig{
		Store:   st.state,
		Locker:  st.locker,
		TTL:     -1,      // a contact book is kept until it is emptied
		MaxData: 1 << 20, // about four thousand contacts
	}))
	register(bot)
	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: addr, Config: webhook.Config{Logger: log}})

	if id := getenv("GREENAPI_ID_INSTANCE"); id != "" {
		client, err := greenapi.New(greenapi.Config{
			IDInstance:       id,
			APITokenInstance: getenv("GREENAPI_API_TOKEN_INSTANCE"),
			WebhookToken:     getenv("GREENAPI_WEBHOOK_TOKEN"),
			Logger:           log,
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
		sb, err := sandbox.New(bot, sandbox.Config{Getenv: getenv, Logger: log})
		if err != nil {
			return err
		}
		defer sb.Close()
		// When ctx ends, the bot drains while the fake APIs still take
		// its answers; then the sandbox closes, ending the page's event
		// streams, which would hold the server's drain.
		srv.OnShutdown(sb.Shutdown)
		sb.Mount(srv.Echo)
		log.Info("no credentials: the sandbox plays WhatsApp, MAX and Aitu", "page", "http://"+addr+"/sandbox/")
	}

	return srv.Run(ctx) // then it drains, for 30 s at most
}
