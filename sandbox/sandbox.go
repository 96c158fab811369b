package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// apiTimeout bounds one attempt of a call to a fake, slowed ones included.
const apiTimeout = 30 * time.Second

// Sandbox plays messengers for a bot: fake APIs, provider clients of them
// registered with the bot, and the page and routes that Mount serves. Its
// methods are safe for concurrent use. Close stops everything it started.
type Sandbox struct {
	bot *cardbot.Bot
	cfg Config
	log *slog.Logger
	hub *hub

	order []Messenger
	ms    map[Messenger]*messenger
	hooks *echo.Echo // the providers' webhook handlers, served in process
	base  *http.Transport

	ctx       context.Context // ends with Close: deliveries, slowed calls
	cancel    context.CancelFunc
	closeOnce sync.Once
	deliverMu sync.Mutex // one delivery at a time: an answer holds its replies

	mu     sync.Mutex
	closed bool
	active sync.WaitGroup // deliveries and event streams
}

// messenger is one messenger played: its peer, its faults, its last
// delivery (for "deliver again").
type messenger struct {
	name   Messenger
	peer   peer
	faults *faults
	last   *lastDelivery // guarded by Sandbox.deliverMu
}

type lastDelivery struct {
	chat string
	body []byte
}

// New starts the fake APIs of the messengers of cfg, and registers with bot
// a provider client of each (bot.AddProvider), named as usual: "greenapi"
// for WhatsApp, "max", "telegram" and "aitu". The bot's replies and Bot.Send then reach
// the fakes.
//
// New refuses to start when a credential variable is set (see
// CredentialVariables): the error is a *CredentialsError, which wraps
// ErrRealCredentials. It fails too when the bot already has a provider of
// one of those names.
func New(bot *cardbot.Bot, cfg Config) (*Sandbox, error) {
	if bot == nil {
		return nil, errors.New("sandbox: New needs a bot")
	}
	if err := checkCredentials(cfg.Getenv, cfg.ExtraCredentials); err != nil {
		return nil, err
	}
	order, err := cfg.messengers()
	if err != nil {
		return nil, err
	}
	s := &Sandbox{
		bot: bot, cfg: cfg, log: cfg.Logger, hub: newHub(cfg.history()), order: order,
		ms: map[Messenger]*messenger{}, hooks: echo.New(),
		base: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     30 * time.Second,
		},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = bot.Logger()
	}
	if cfg.Webhook.Logger == nil {
		s.cfg.Webhook.Logger = s.log
	}
	if cfg.State == nil {
		if _, err := bot.ChatState(s.ctx, "", "probe"); !errors.Is(err, cardbot.ErrNoState) {
			s.cfg.State = BotState(bot) // the bot keeps a state per chat: show it
		}
	}
	for _, name := range order {
		if err := s.start(name); err != nil {
			s.cancel()
			s.stopPeers()
			return nil, err
		}
	}
	return s, nil
}

// start plays one messenger and registers its client with the bot.
func (s *Sandbox) start(name Messenger) error {
	m := &messenger{name: name, faults: &faults{delay: s.cfg.slowDelay()}}
	t := &transport{base: s.base, faults: m.faults, done: s.ctx.Done(),
		record:  func(c CallData) { s.hub.publish(KindCall, name, c) },
		changed: func(f Faults) { s.hub.publish(KindFaults, name, f) }}
	hc := &http.Client{Transport: t, Timeout: apiTimeout}
	onReply := func(r Reply) { s.hub.publish(KindReply, name, r) }
	var err error
	switch name {
	case WhatsApp:
		m.peer, err = newGreenAPIPeer(greenapi.WhatsApp, s.cfg.DefaultRegion, hc, onReply)
	case MAX:
		m.peer, err = newGreenAPIPeer(greenapi.MAX, s.cfg.DefaultRegion, hc, onReply)
	case Telegram:
		m.peer, err = newGreenAPIPeer(greenapi.Telegram, s.cfg.DefaultRegion, hc, onReply)
	case Aitu:
		m.peer, err = newAituPeer(hc, onReply)
	}
	if err != nil {
		return err
	}
	t.p = m.peer
	s.ms[name] = m // closed by stopPeers from here on
	src := m.peer.source()
	if err := s.bot.AddProvider(src); err != nil {
		return fmt.Errorf("sandbox: %s: %w", name, err)
	}
	cfg := s.cfg.Webhook
	// Aitu signs nothing; the sandbox's routes take only what its own fake
	// delivers in process.
	cfg.AllowUnauthenticated = cfg.AllowUnauthenticated || name == Aitu
	if _, err := webhook.Mount(s.hooks, "/"+string(name), s.bot, src, cfg); err != nil {
		return fmt.Errorf("sandbox: %s: %w", name, err)
	}
	return nil
}

// WhatsApp returns the WhatsApp client registered with the bot (provider
// "greenapi"), or nil when WhatsApp is not played.
func (s *Sandbox) WhatsApp() *greenapi.Client { return s.greenapi(WhatsApp) }

// MAX returns the MAX client registered with the bot (provider "max"),
// or nil when MAX is not played.
func (s *Sandbox) MAX() *greenapi.Client { return s.greenapi(MAX) }

// Telegram returns the Telegram client registered with the bot (provider
// "telegram"), or nil when Telegram is not played.
func (s *Sandbox) Telegram() *greenapi.Client { return s.greenapi(Telegram) }

// Aitu returns the Aitu client registered with the bot (provider "aitu"),
// or nil when Aitu is not played.
func (s *Sandbox) Aitu() *aitu.Client {
	if m, ok := s.ms[Aitu]; ok {
		return m.peer.(*aituPeer).client
	}
	return nil
}

func (s *Sandbox) greenapi(name Messenger) *greenapi.Client {
	if m, ok := s.ms[name]; ok {
		return m.peer.(*greenapiPeer).client
	}
	return nil
}

// Played returns the messengers the sandbox plays, in the page's order.
func (s *Sandbox) Played() []Messenger { return append([]Messenger(nil), s.order...) }

// Close ends the page's event streams, waits for the deliveries under way
// (a call slowed by the page ends at once with an error), then stops the
// fake APIs. When the process stops, call Shutdown instead, which drains
// the bot first so that no answer in flight is lost, and call it before a
// server's graceful Shutdown, which would wait for the open event streams
// otherwise. The clients registered with the bot
// stay registered; their calls fail from now on. Close returns nil, and
// does nothing when called again.
func (s *Sandbox) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.hub.close()
		s.active.Wait()
		s.stopPeers()
	})
	return nil
}

func (s *Sandbox) stopPeers() {
	for _, m := range s.ms {
		m.peer.close()
	}
	s.base.CloseIdleConnections()
}

// enter counts an activity Close waits for; false once closed.
func (s *Sandbox) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.active.Add(1)
	return true
}

// randomToken returns 16 random bytes in hex, for the fakes' webhook
// tokens.
func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sandbox: random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
