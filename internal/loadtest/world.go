package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// hookToken authenticates GREEN-API's webhooks to the bot.
const hookToken = "loadtest-webhook-token"

// The fakes' own redelivery of a webhook not answered 200; deliver adds
// rounds of it with a growing pause.
const (
	pushAttempts = 2
	pushInterval = 50 * time.Millisecond
)

var discard = slog.New(slog.DiscardHandler)

// world is the setting of one phase: the fake GREEN-API and Aitu on
// loopback, the recorder of what the bot sent them, and the provider
// clients the bot sends through (with the fault transports).
type world struct {
	ga     *greenapitest.Server
	ai     *aitutest.Server
	gaT    *faultTransport
	aiT    *faultTransport
	wa     *greenapi.Client
	au     *aitu.Client
	rec    *recorder
	secret string // the Aitu webhook path's secret
}

func newWorld(plan FaultPlan) (*world, error) {
	w := &world{rec: newRecorder()}
	w.ga = greenapitest.NewServer(greenapitest.WithWebhookToken(hookToken), greenapitest.WithPushRetry(pushAttempts, pushInterval),
		greenapitest.WithSentHook(func(m greenapitest.SentMessage) {
			if m.Contact != nil {
				w.rec.add(m.ChatID, m.Contact.FirstName, "contact "+m.Contact.FirstName)
			} else {
				w.rec.add(m.ChatID, strings.TrimPrefix(m.Text, textPrefix), m.Text)
			}
		}))
	w.ai = aitutest.NewServer(aitutest.WithPushRetry(pushAttempts, pushInterval), aitutest.WithSentHook(func(c aitutest.SentCommand) {
		chat := aitu.ChatID(c.Recipient.Type, c.Recipient.ID)
		switch {
		case c.InputMedia != nil:
			w.rec.add(chat, c.InputMedia.FirstName, "contact "+c.InputMedia.FirstName)
		case c.Content != nil:
			w.rec.add(chat, strings.TrimPrefix(*c.Content, textPrefix), *c.Content)
		default:
			w.rec.add(chat, "", c.Type)
		}
	}))
	var err error
	if w.gaT, err = newFaultTransport(w.ga, w.ga.SetDelay, plan); err != nil {
		w.close()
		return nil, err
	}
	if w.aiT, err = newFaultTransport(w.ai, nil, plan); err != nil {
		w.close()
		return nil, err
	}
	gc := w.ga.Config()
	gc.HTTPClient = &http.Client{Transport: w.gaT, Timeout: 10 * time.Second}
	gc.MaxRetries, gc.MinBackoff, gc.MaxBackoff = 4, 10*time.Millisecond, 2*time.Second
	gc.Logger = discard
	if w.wa, err = greenapi.New(gc); err != nil {
		w.close()
		return nil, fmt.Errorf("greenapi: %w", err)
	}
	ac := w.ai.Config()
	ac.HTTPClient = &http.Client{Transport: w.aiT, Timeout: 10 * time.Second}
	ac.MaxRetries, ac.MinBackoff, ac.MaxBackoff = 4, 10*time.Millisecond, 2*time.Second
	ac.Logger = discard
	if w.au, err = aitu.New(ac); err != nil {
		w.close()
		return nil, fmt.Errorf("aitu: %w", err)
	}
	if w.secret, err = aitu.NewWebhookSecret(); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *world) close() {
	for _, t := range []*faultTransport{w.gaT, w.aiT} {
		if t != nil {
			t.Close()
		}
	}
	if w.ga != nil {
		w.ga.Close()
	}
	if w.ai != nil {
		w.ai.Close()
	}
}

// faults returns the faults injected on both providers, by kind.
func (w *world) faults() [faultKinds]int {
	a, b := w.gaT.Counts(), w.aiT.Counts()
	for i := range a {
		a[i] += b[i]
	}
	return a
}

// recorder keeps the bot's sends in the order the fakes accepted them.
type recorder struct {
	mu      sync.Mutex
	replies []Reply
	first   map[string]time.Time // token → time of its first reply
}

func newRecorder() *recorder { return &recorder{first: make(map[string]time.Time)} }

func (r *recorder) add(chat, token, text string) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, Reply{ChatID: chat, Token: token, Text: text})
	if _, ok := r.first[token]; !ok {
		r.first[token] = now
	}
}

// snapshot returns the replies so far and the first reply times.
func (r *recorder) snapshot() ([]Reply, map[string]time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	first := make(map[string]time.Time, len(r.first))
	for k, v := range r.first {
		first[k] = v
	}
	return append([]Reply(nil), r.replies...), first
}

// target is where webhooks go: the bot or the bare server.
type target struct {
	greenapi, aitu string // webhook URLs
	stop           func(context.Context) error
}

// instance is a running bot behind webhook.Server on loopback.
type instance struct {
	target
	bot    *cardbot.Bot
	errors atomic.Int64 // handler errors (in async mode, updates given up)
}

// startBot runs the echobot's bot in w behind webhook.Server on 127.0.0.1:0.
// A shared dedup store stands for a persistent one across a restart.
func startBot(w *world, async bool, cfg Config, dedup cardbot.DedupStore) (*instance, error) {
	in := &instance{}
	opts := []cardbot.Option{
		cardbot.WithLogger(discard),
		cardbot.WithProviders(w.wa, w.au),
		cardbot.WithErrorHandler(func(*cardbot.Context, error) { in.errors.Add(1) }),
		cardbot.WithDedupStore(dedup),
	}
	if async {
		opts = append(opts, cardbot.WithAsync(cardbot.AsyncConfig{QueueSize: cfg.QueueSize, Concurrency: cfg.Concurrency}))
	}
	in.bot = cardbot.New(opts...)
	register(in.bot, cfg.HandlerLatency)
	srv := webhook.NewServer(in.bot, webhook.ServerConfig{Config: webhook.Config{Logger: discard}})
	srv.Handle("/webhook/greenapi", w.wa)
	srv.Handle("/webhook/aitu/"+w.secret, w.au)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	base := "http://" + l.Addr().String()
	in.greenapi, in.aitu = base+"/webhook/greenapi", base+"/webhook/aitu/"+w.secret
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	in.stop = func(ctx context.Context) error {
		closeIdlePushes()
		err := srv.Shutdown(ctx)
		return errors.Join(err, <-served)
	}
	return in, nil
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
