package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/webhook"
)

// webhookPaths are the bot's webhook routes, as the echobot serves them.
var webhookPaths = [messengers]string{
	onWhatsApp: "/webhook/greenapi",
	onMAX:      "/webhook/max",
	onAitu:     "/webhook/aitu/" + aituSecret,
}

// hooksAt returns the webhook URLs of a server at base.
func hooksAt(base string) [messengers]string {
	var out [messengers]string
	for m, p := range webhookPaths {
		out[m] = base + p
	}
	return out
}

// target is where webhooks go: the bot, or the bare server.
type target struct {
	hooks [messengers]string // webhook URLs, by messenger
	stop  func(context.Context) error
}

// instance is the bot under load: in process behind webhook.Server on
// loopback, or an external one.
type instance struct {
	target
	bot    *cardbot.Bot // nil for an external bot
	errors atomic.Int64 // handler errors (in async mode, updates given up); unknown for an external bot
	// finish ends a phase: an in-process bot shuts down gracefully, which
	// drains what it took; for an external bot it waits for its replies.
	finish func(ctx context.Context, want int) error
}

// startBot runs the echobot's bot in w behind webhook.Server on 127.0.0.1:0,
// with the stores of st.
func startBot(w *world, async bool, cfg Config, st kept) (*instance, error) {
	in := &instance{}
	opts := []cardbot.Option{
		cardbot.WithLogger(discard),
		cardbot.WithProviders(w.waC, w.mxC, w.aiC),
		cardbot.WithErrorHandler(func(*cardbot.Context, error) { in.errors.Add(1) }),
		cardbot.WithDedupStore(st.dedup),
	}
	if async {
		opts = append(opts, delivery.WithAsync(delivery.Config{QueueSize: cfg.QueueSize, Concurrency: cfg.Concurrency,
			Queue: st.queue, MinRetryWait: cfg.RetryWait, MaxRetryWait: 20 * cfg.RetryWait}))
	}
	in.bot = cardbot.New(opts...)
	register(in.bot, cfg.HandlerLatency)
	srv := webhook.NewServer(in.bot, webhook.ServerConfig{Config: webhook.Config{Logger: discard}})
	if err := errors.Join(srv.Handle(webhookPaths[onWhatsApp], w.waC), srv.Handle(webhookPaths[onMAX], w.mxC)); err != nil {
		return nil, err
	}
	// Aitu signs nothing: as in the echobot, its route is open to anyone
	// who knows the path.
	if _, err := webhook.Mount(srv.Echo, webhookPaths[onAitu], in.bot, w.aiC,
		webhook.Config{Logger: discard, AllowUnauthenticated: true}); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	in.hooks = hooksAt("http://" + l.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	in.stop = func(ctx context.Context) error {
		closeIdlePushes()
		err := srv.Shutdown(ctx)
		return errors.Join(err, <-served)
	}
	in.finish = func(ctx context.Context, _ int) error { return in.stop(ctx) }
	return in, nil
}

// Quiet spells of an external bot's replies: once it answered every
// message, how long no reply more is awaited (a doubled answer would
// come then); and before, how long without a reply ends the wait.
const (
	settleQuiet = 300 * time.Millisecond
	settleIdle  = 5 * time.Second
)

// externalBot is the bot at base, sending to w's fakes.
func externalBot(base string, w *world) *instance {
	in := &instance{target: target{hooks: hooksAt(base), stop: func(context.Context) error { return nil }}}
	in.finish = func(ctx context.Context, want int) error { return awaitReplies(ctx, w.rec, want) }
	return in
}

// awaitReplies waits until rec holds want replies and none more came for
// settleQuiet, or none came for settleIdle, or ctx ends: an external bot
// cannot be drained, so its replies are awaited.
func awaitReplies(ctx context.Context, rec *recorder, want int) error {
	start := time.Now()
	for {
		n, last := rec.count()
		if last.Before(start) {
			last = start
		}
		quiet := time.Since(last)
		if n >= want && quiet >= settleQuiet || quiet >= settleIdle {
			return nil
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return fmt.Errorf("waiting for the bot's replies (%d of %d): %w", n, want, err)
		}
	}
}

// closeIdlePushes closes the idle connections of the fakes' webhook
// pushes (http.DefaultTransport). A server's graceful shutdown waits 5 s
// for a connection the client opened and never used; closing them is what
// a provider's pool does when the server goes away.
func closeIdlePushes() {
	if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}
