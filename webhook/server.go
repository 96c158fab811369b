package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot"
)

// ServerConfig sets a standalone Server. The zero value is the default.
type ServerConfig struct {
	// Config is the routes' configuration.
	Config

	// Addr is the address to listen on. Optional. Default ":8080".
	Addr string

	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// http.Server's; a slow client cannot hold a connection longer.
	// Optional. Defaults 5 s, 30 s, 60 s (long enough for sync handlers)
	// and 120 s.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration

	// NoReadiness leaves out GET /readyz, which NewServer adds when the
	// Dispatcher is a Readier (a *cardbot.Bot is): 200 while it is ready,
	// 503 otherwise (see ReadyHandler). GET /healthz, 200 while the
	// process serves, is always there.
	NoReadiness bool

	// DrainTimeout bounds Run's drain: once Run's context ends, the
	// server, the OnShutdown functions and the bot have this long to
	// finish what is in flight. Optional. Default DefaultDrainTimeout.
	DrainTimeout time.Duration

	// Metrics, when not nil, is served at GET /metrics: prom.Observer's
	// Handler, or any other. A webhook server must be reachable by the
	// provider, so this exposes the metrics to the internet too: prefer
	// serving them on a listener of their own, on a private address (the
	// echobot's METRICS_ADDR, 127.0.0.1:9090 by default).
	Metrics http.Handler
}

// Server is a standalone webhook server: an echo application with a route
// per provider, GET /healthz, GET /readyz and GET /metrics (see
// ServerConfig), and timeouts against slow clients.
type Server struct {
	// Echo is the application; add routes of your own to it before
	// serving.
	Echo *echo.Echo

	d     cardbot.Dispatcher
	cfg   Config
	http  *http.Server
	drain time.Duration

	mu         sync.Mutex
	onShutdown []func(context.Context) error
}

// NewServer returns a server that hands updates to d.
func NewServer(d cardbot.Dispatcher, cfg ServerConfig) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	write := orDuration(cfg.WriteTimeout, 60*time.Second)
	if limit := write - write/10; cfg.Timeout <= 0 || cfg.Timeout > limit {
		cfg.Timeout = min(orDuration(cfg.Timeout, DefaultTimeout), limit)
	}
	s := &Server{Echo: e, d: d, cfg: cfg.Config, drain: orDuration(cfg.DrainTimeout, DefaultDrainTimeout)}
	s.http = &http.Server{
		Addr:              or(cfg.Addr, ":8080"),
		Handler:           e,
		ReadHeaderTimeout: orDuration(cfg.ReadHeaderTimeout, 5*time.Second),
		ReadTimeout:       orDuration(cfg.ReadTimeout, 30*time.Second),
		WriteTimeout:      write,
		IdleTimeout:       orDuration(cfg.IdleTimeout, 120*time.Second),
		MaxHeaderBytes:    64 << 10,
	}
	MountHealth(e, "/healthz", nil)
	if r, ok := d.(Readier); ok && !cfg.NoReadiness {
		e.GET("/readyz", echo.WrapHandler(ReadyHandler(r, 0, loggerFor(cfg.Logger, d))))
	}
	if cfg.Metrics != nil {
		e.GET("/metrics", echo.WrapHandler(cfg.Metrics))
	}
	return s
}

// Handle adds the POST route at path for src's webhooks, with the
// server's Config. It fails as Mount does: with ErrUnauthenticated when
// src would accept a request without credentials and the Config does not
// allow it; then no route is added.
func (s *Server) Handle(path string, src Source) error {
	_, err := Mount(s.Echo, path, s.d, src, s.cfg)
	return err
}

// ListenAndServe listens on the configured address and serves until
// Shutdown; then it returns nil.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.http.Addr)
	if err != nil {
		return fmt.Errorf("webhook: listen: %w", err)
	}
	return s.Serve(l)
}

// Serve serves on l until Shutdown; then it returns nil. It first starts
// the Dispatcher when it has a Start method (*cardbot.Bot does: an async
// bot then handles what its durable queue kept from a previous run before
// any webhook arrives); a failing Start fails Serve.
func (s *Server) Serve(l net.Listener) error {
	if d, ok := s.d.(interface{ Start() error }); ok {
		if err := d.Start(); err != nil {
			_ = l.Close()
			return fmt.Errorf("webhook: starting the bot: %w", err)
		}
	}
	if err := s.http.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("webhook: serve: %w", err)
	}
	return nil
}

// OnShutdown registers f to run first when Shutdown begins, before the
// server stops accepting connections; functions run in the order they
// were registered, each with Shutdown's context, and their errors are
// among Shutdown's. It is for what must drain while the server still
// answers, or must close for the server's drain to end: a
// sandbox.Sandbox's Shutdown is both (the bot drains while its fake APIs
// take the answers, then the page's event streams end).
func (s *Server) OnShutdown(f func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onShutdown = append(s.onShutdown, f)
}

// Shutdown drains: first the OnShutdown functions run; then the server
// stops accepting connections and waits for the requests in flight (their
// handlers run to the end in sync mode), then the Dispatcher's own
// Shutdown, when it has one (*cardbot.Bot does), drains the bot and stops
// its goroutines. The bot is shut down also when ctx ends while requests
// are still in flight: then both give up at once, and Shutdown returns the
// errors of both.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	s.mu.Lock()
	hooks := s.onShutdown
	s.mu.Unlock()
	for _, f := range hooks {
		if err := f(ctx); err != nil {
			errs = append(errs, fmt.Errorf("webhook: on shutdown: %w", err))
		}
	}
	if err := s.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("webhook: shutdown: %w", err))
	}
	if d, ok := s.d.(interface{ Shutdown(context.Context) error }); ok {
		if err := d.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("webhook: draining the bot: %w", err))
		}
	}
	return errors.Join(errs...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
