package sandbox_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/sandbox"
	"github.com/cardbot/cardbot/webhook"
)

// A bot with no account runs in the sandbox: here a curl route of the
// sandbox, served by a test server, writes to it as a WhatsApp user.
func ExampleNew() {
	bot := cardbot.New()
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send("You said: " + c.Text())
	})
	defer bot.Shutdown(context.Background())

	// Getenv is set so that the example runs on a machine with
	// credentials in its environment; a bot's main leaves it nil
	// (os.Getenv).
	sb, err := sandbox.New(bot, sandbox.Config{Getenv: func(string) string { return "" }})
	if err != nil {
		log.Fatal(err)
	}
	defer sb.Close()
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/sandbox/whatsapp/text", "text/plain", strings.NewReader("hello"))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	fmt.Print(string(answer))
	// Output: [{"chat":"79001234567@c.us","text":"You said: hello"}]
}

// A bot's main: the sandbox when no credentials are set, the page at
// http://127.0.0.1:8080/sandbox/ beside the bot's own routes.
func ExampleSandbox_Mount() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	bot := cardbot.New()
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })

	sb, err := sandbox.New(bot, sandbox.Config{})
	if err != nil {
		log.Fatal(err) // *sandbox.CredentialsError: use the real providers instead
	}
	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: "127.0.0.1:8080"})
	sb.Mount(srv.Echo)
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			log.Print(err)
		}
	}()

	<-ctx.Done()
	// The sandbox first: it ends the page's event streams, which the
	// server's graceful shutdown would wait for.
	_ = sb.Close()
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		log.Print(err)
	}
}

// The conversation state panel shows what Config.State returns for the chat
// on screen; here a bot's own map of chats to steps.
func ExampleStateFunc() {
	steps := map[string]string{"79001234567@c.us": "asking for a name"}
	cfg := sandbox.Config{
		State: sandbox.StateFunc(func(_ context.Context, provider, chatID string) (any, error) {
			if step, ok := steps[chatID]; ok {
				return map[string]string{"step": step}, nil
			}
			return nil, nil
		}),
	}
	fmt.Println(cfg.State != nil)
	// Output: true
}
