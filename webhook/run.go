package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/cardbot/cardbot"
)

// DefaultDrainTimeout bounds Run's drain when ServerConfig.DrainTimeout is
// not set. Keep the bound below the time your platform grants between
// SIGTERM and SIGKILL (30 s by default on Kubernetes, 10 s for docker
// stop), or the process is killed mid-drain.
const DefaultDrainTimeout = 30 * time.Second

// Run listens on the configured address and serves until ctx ends, then
// drains (see RunListener). It is what a main function does with a
// context that SIGTERM ends:
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//	defer stop()
//	err := srv.Run(ctx)
func (s *Server) Run(ctx context.Context) error {
	l, err := net.Listen("tcp", s.http.Addr)
	if err != nil {
		return fmt.Errorf("webhook: listen: %w", err)
	}
	return s.RunListener(ctx, l)
}

// RunListener serves on l until ctx ends, then drains: Shutdown, with a
// context that ends ServerConfig.DrainTimeout later (DefaultDrainTimeout
// when unset) and keeps ctx's values. It returns nil when the drain ends
// in time, an error that wraps context.DeadlineExceeded when the bound
// passes first (then the bot is stopped all the same, see Shutdown), and
// Serve's error, at once, when serving fails before ctx ends (a bot that
// does not start, a listener that fails). A Shutdown called by someone
// else ends it too, with nil.
func (s *Server) RunListener(ctx context.Context, l net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	drain, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.drain)
	defer cancel()
	err := s.Shutdown(drain)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("webhook: the drain did not end within %v: %w", s.drain, err)
	}
	serveErr := <-served
	if errors.Is(serveErr, cardbot.ErrShuttingDown) {
		serveErr = nil // ctx ended before Serve started the bot: nothing ran
	}
	return errors.Join(err, serveErr)
}
