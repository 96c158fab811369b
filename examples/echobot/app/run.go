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

	st, err := openStores(cfg.Store, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.close(); err != nil {
			log.Warn("closing the store", "error", err)
		}
	}()

	opts := []cardbot.Option{cardbot.WithLogger(log), cardbot.WithDefaultRegion(cfg.Region), cardbot.WithDedupStore(st.dedup)}
	if cfg.async() {
		// Default bounds: a full in-memory queue answers 503 and the
		// provider redelivers; a durable queue keeps what it took.
		opts = append(opts, cardbot.WithAsync(cardbot.AsyncConfig{
			Queue: st.queue, MaxAttempts: cfg.Retry.MaxAttempts, MinRetryWait: cfg.Retry.MinWait,
		}))
	}
	bot := cardbot.New(opts...)
	// Whatever ends Run, the bot's goroutines stop before the store closes
	// (after a drain below, this returns at once).
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
		defer cancel()
		_ = bot.Shutdown(ctx)
	}()
	for _, m := range ms {
		if err := bot.AddProvider(m.source); err != nil {
			return err
		}
	}
	bot.Use(middleware.Logger())
	echo.Register(bot)

	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: cfg.Addr, Config: webhook.Config{Logger: log}})
	for _, m := range ms {
		if _, err := webhook.Mount(srv.Echo, m.path, bot, m.source,
			webhook.Config{Logger: log, AllowUnauthenticated: m.pathIsSecret}); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	if cfg.AdminToken != "" {
		mountAdmin(srv.Echo, bot, cfg.AdminToken)
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
	log.Info("echobot listening", "addr", l.Addr().String(), "delivery", cfg.Delivery, "store", cfg.Store.Kind,
		"admin", cfg.AdminToken != "")
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
