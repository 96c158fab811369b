package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/examples/echobot/echo"
	"github.com/cardbot/cardbot/middleware"
	"github.com/cardbot/cardbot/webhook"
)

// drainTimeout bounds how long a SIGTERM waits for updates in flight.
const drainTimeout = 30 * time.Second

// Run serves the bot until ctx ends, then drains and returns. listening, when
// not nil, is told the address the server listens on.
func Run(ctx context.Context, getenv func(string) string, log *slog.Logger, listening func(net.Addr)) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	ms, closeSandboxes, err := messengers(cfg, log)
	if err != nil {
		return err
	}
	defer closeSandboxes()

	opts := []cardbot.Option{cardbot.WithLogger(log), cardbot.WithDefaultRegion(cfg.Region)}
	if cfg.async() {
		// Default queue and concurrency bounds: a full queue answers 503
		// and the provider redelivers.
		opts = append(opts, cardbot.WithAsync(cardbot.AsyncConfig{}))
	}
	bot := cardbot.New(opts...)
	for _, m := range ms {
		if err := bot.AddProvider(m.source); err != nil {
			return err
		}
	}
	bot.Use(middleware.Logger())
	echo.Register(bot)

	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: cfg.Addr, Config: webhook.Config{Logger: log}})
	for _, m := range ms {
		srv.Handle(m.path, m.source)
	}

	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	var sb sandbox
	for _, m := range ms {
		mode := "real"
		if m.sandbox != nil {
			sb.mount(srv.Echo, m.name, m.sandbox, "http://"+loopback(l.Addr())+m.path)
			mode = "sandbox"
			log.Info("sandbox: a fake API plays the messenger on loopback",
				"messenger", m.name, "try", "curl -s localhost"+portOf(l.Addr())+"/sandbox/"+m.name+"/text -d hello")
		}
		log.Info("serving", "messenger", m.name, "webhook", m.logPath, "mode", mode)
	}
	log.Info("echobot listening", "addr", l.Addr().String(), "delivery", cfg.Delivery)
	if listening != nil {
		listening(l.Addr())
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining updates in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-served; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("echobot stopped")
	return nil
}

// loopback is addr as this host reaches it ("127.0.0.1:8080" for ":8080").
func loopback(addr net.Addr) string {
	return "127.0.0.1" + portOf(addr)
}

func portOf(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return fmt.Sprintf(":%d", tcp.Port)
	}
	_, port, _ := net.SplitHostPort(addr.String())
	return ":" + port
}
