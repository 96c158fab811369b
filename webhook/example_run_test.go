package webhook_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/webhook"
)

// A main function serves until SIGTERM ends its context
// (signal.NotifyContext), then drains what is in flight; here the context
// ends after one request. Run(ctx) listens on ServerConfig.Addr instead.
func ExampleServer_RunListener() {
	bot := cardbot.New()
	srv := webhook.NewServer(bot, webhook.ServerConfig{DrainTimeout: 10 * time.Second})
	srv.OnShutdown(func(context.Context) error {
		fmt.Println("draining") // a sandbox's Shutdown goes here
		return nil
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.RunListener(ctx, l) }()

	resp, err := http.Get("http://" + l.Addr().String() + "/healthz")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("healthz:", resp.StatusCode)

	stop()
	fmt.Println("run:", <-done)
	// Output:
	// healthz: 200
	// draining
	// run: <nil>
}
