// Command echobot is the bot of cardbot's README. It answers on WhatsApp,
// MAX and Telegram through GREEN-API and on Aitu through its Bot API: "/start" gets
// a greeting, any other text is echoed
// back, and every contact it receives (a shared contact, several, or a .vcf
// file) is sent back as a contact, its number normalized; a card it cannot
// send gets a text that says which number was rejected and why.
//
// A messenger without credentials (GREENAPI_ID_INSTANCE, MAX_ID_INSTANCE,
// TELEGRAM_ID_INSTANCE, AITU_BOT_TOKEN) is played by a sandbox: a fake API on loopback, and
// /sandbox/ routes to talk to the bot with curl. See the README for the commands and the
// environment variables. `echobot healthcheck` asks the bot on ADDR for
// GET /healthz and exits 0 when it answers 200, 1 otherwise: the
// container's HEALTHCHECK. The bot itself is package app, so that tests and
// the load harness (tools/loadtest) can run it in process.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/cardbot/cardbot/examples/echobot/app"
	"github.com/cardbot/cardbot/store/redisstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) == 2 && os.Args[1] == "healthcheck" {
		// The container's HEALTHCHECK: GET /healthz of the bot on ADDR.
		if err := app.Healthcheck(ctx, os.Getenv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// go-redis writes its own lines (a "failed to dial" per attempt while
	// Redis is down) through a logger global to the process: route them
	// through ours, one line per kind every 10 s.
	redis.SetLogger(redisstore.NewClientLogger(log, 0))
	if err := app.Run(ctx, os.Getenv, log, nil); err != nil {
		log.Error("echobot stopped", "error", err)
		os.Exit(1)
	}
}
