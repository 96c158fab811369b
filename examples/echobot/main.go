// Command echobot is the bot of cardbot's README. It answers on WhatsApp
// through GREEN-API: "/start" gets a greeting, any other text is echoed
// back, and every contact it receives (a shared contact, several, or a .vcf
// file) is sent back as a contact, its number normalized; a card it cannot
// send gets a text that says which number was rejected and why.
//
// Without GREENAPI_ID_INSTANCE it runs in sandbox mode: a fake GREEN-API on
// loopback (greenapitest) plays the messenger, and the /sandbox/ routes let
// you talk to the bot with curl. See the README for the commands and the
// environment variables.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Getenv, log, nil); err != nil {
		log.Error("echobot stopped", "error", err)
		os.Exit(1)
	}
}
