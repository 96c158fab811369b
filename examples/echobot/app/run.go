package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/examples/echobot/handlers"
	"github.com/cardbot/cardbot/middleware"
	"github.com/cardbot/cardbot/prom"
	"github.com/cardbot/cardbot/sandbox"
	"github.com/cardbot/cardbot/store"
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
	ms, err := messengers(cfg, log)
	if err != nil {
		return err
	}

	st, err := openStores(cfg.Store, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.close(); err != nil {
			log.Warn("closing the store", "error", err)
		}
	}()

	if st.checkPersistence != nil && !cfg.async() {
		st.checkPersistence(ctx) // async: the queue checks when it starts consuming
	}

	metrics, err := prom.New(prom.Config{})
	if err != nil {
		return err
	}
	opts := []cardbot.Option{cardbot.WithLogger(log), cardbot.WithDefaultRegion(cfg.Region), cardbot.WithDedupStore(st.dedup),
		cardbot.WithSendLedger(cardbot.LedgerConfig{Ledger: st.ledger}), cardbot.WithObserver(metrics)}
	var dead store.DeadLetterAdmin // async only: the admin routes reach the queue's dead letters
	if cfg.async() {
		// Default bounds: a full in-memory queue answers 503 and the
		// provider redelivers; a durable queue keeps what it took.
		queue := st.queue
		if queue == nil {
			queue = store.NewMemoryQueue(store.DefaultQueueSize, delivery.DefaultQueueWait)
		}
		dead, _ = queue.(store.DeadLetterAdmin)
		opts = append(opts, delivery.WithAsync(delivery.Config{
			Queue: queue, MaxAttempts: cfg.Retry.MaxAttempts, MinRetryWait: cfg.Retry.MinWait,
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
	stopWatching := watchStates(ms, cfg.StateInterval)
	defer stopWatching()
	bot.Use(middleware.Logger())
	handlers.Register(bot)

	// The metrics are never served beside the webhooks: see serveMetrics.
	srv := webhook.NewServer(bot, webhook.ServerConfig{Addr: cfg.Addr, DrainTimeout: drainTimeout, Config: webhook.Config{Logger: log}})
	srv.OnShutdown(func(context.Context) error {
		log.Info("shutting down: draining updates in flight")
		return nil
	})
	for _, m := range ms {
		if _, err := webhook.Mount(srv.Echo, m.path, bot, m.source,
			webhook.Config{Logger: log, AllowUnauthenticated: m.pathIsSecret}); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		log.Info("serving", "messenger", m.name, "webhook", m.logPath)
	}
	var sb *sandbox.Sandbox
	if len(ms) == 0 {
		// No credentials at all: fake APIs on loopback play every
		// messenger, and the page at /sandbox/ talks to the bot.
		sb, err = sandbox.New(bot, sandbox.Config{DefaultRegion: cfg.Region, Getenv: getenv,
			Webhook: webhook.Config{Logger: log}, Logger: log})
		if err != nil {
			return err
		}
		defer sb.Close()
		// When ctx ends, the bot drains while the fake APIs still take
		// its answers; then the sandbox closes, ending the page's event
		// streams, which would hold the server's drain.
		srv.OnShutdown(sb.Shutdown)
		sb.Mount(srv.Echo)
	}
	if cfg.AdminToken != "" {
		mountAdmin(srv.Echo, dead, cfg.AdminToken)
	}

	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if sb != nil {
		log.Info("sandbox: fake APIs play WhatsApp, MAX, Telegram and Aitu on loopback",
			"page", "http://127.0.0.1"+portOf(l.Addr())+"/sandbox/",
			"try", "curl -s localhost"+portOf(l.Addr())+"/sandbox/whatsapp/text -d hello")
	}
	stopMetrics, err := serveMetrics(cfg.MetricsAddr, metrics.Handler(), webhook.ReadyHandler(bot, 0, log), log)
	if err != nil {
		l.Close()
		return err
	}
	defer stopMetrics()
	log.Info("echobot listening", "addr", l.Addr().String(), "delivery", cfg.Delivery, "store", cfg.Store.Kind,
		"admin", cfg.AdminToken != "", "metrics", cmp.Or(cfg.MetricsAddr, "off"))
	if listening != nil {
		listening(l.Addr())
	}

	if err := srv.RunListener(ctx, l); err != nil {
		return err
	}
	log.Info("echobot stopped")
	return nil
}

func portOf(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return fmt.Sprintf(":%d", tcp.Port)
	}
	_, port, _ := net.SplitHostPort(addr.String())
	return ":" + port
}
