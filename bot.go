package cardbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot/store"
)

// Bot routes the updates of one or more providers to handlers. Build it
// with New, register handlers with Handle, Use and Group, and feed it with
// Dispatch (the webhook receiver and the pollers do). A Bot is safe for
// concurrent use; handlers may be registered while it runs.
type Bot struct {
	logger  *slog.Logger
	onError func(*Context, error)
	timeout time.Duration
	dedup   store.DedupStore
	region  string
	maxDoc  int64
	limits  Limits       // zero fields take their defaults (Context.limits)
	state   *stateKeeper // nil without WithState
	// observer is told what the bot does; nil for none.
	observer Observer
	// tracer starts the spans of its work; nil for none.
	tracer Tracer
	// ledger records the sends of each handling (WithSendLedger).
	ledger    store.SendLedger
	ledgerTTL time.Duration

	// mu guards the registration state below and the providers.
	mu        sync.RWMutex
	reg       registry
	providers map[string]Provider

	// table is the compiled routing table with composed chains; nil after
	// a registration until the next dispatch compiles it again.
	table atomic.Pointer[table]

	life      lifecycle
	newEngine func(EngineHost) Engine // WithEngine's
	eng       Engine                  // nil in sync mode
}

// New returns a Bot configured by opts. By default it delivers
// synchronously, deduplicates with a bounded in-memory store (100 000 keys,
// 24 h), logs through slog.Default() and has no handler timeout. An async
// bot (WithEngine, delivery.WithAsync) starts its engine later, when it is
// started (Start, its first Dispatch, or webhook.Server's Serve), so that
// the providers can be added first; Shutdown stops it.
func New(opts ...Option) *Bot {
	b := &Bot{
		logger:    slog.Default(),
		maxDoc:    DefaultMaxDocumentSize,
		providers: make(map[string]Provider),
	}
	b.reg.base.commands = make(map[string]*entry)
	b.reg.states = make(map[string]*routeSet)
	b.reg.scenes = make(map[string]SceneHooks)
	for _, opt := range opts {
		opt(b)
	}
	if b.dedup == nil {
		b.dedup = store.NewMemoryDedupStore(store.MemoryDedupConfig{})
	}
	if b.newEngine != nil {
		b.eng = b.newEngine(engineHost{b})
	}
	b.pickLedger()
	if b.onError == nil {
		b.onError = b.logError
	}
	b.life.init()
	if r, ok := b.observer.(GaugeReader); ok {
		r.ReadGauges(b.Gauges)
	}
	return b
}

// Logger returns the bot's logger (WithLogger).
func (b *Bot) Logger() *slog.Logger { return b.logger }

// AddProvider registers p so that Bot.Send can reach its chats by its name.
// Dispatch does not need it: replies go through the provider given to
// Dispatch. It fails on a nil provider or a name already registered.
func (b *Bot) AddProvider(p Provider) error {
	if p == nil {
		return errors.New("cardbot: AddProvider with a nil Provider")
	}
	name := p.Name()
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.providers[name]; ok {
		return dupProvider(name)
	}
	b.providers[name] = p
	return nil
}

// Provider returns the registered provider of that name.
func (b *Bot) Provider(name string) (Provider, bool) {
	b.mu.RLock()
	p, ok := b.providers[name]
	b.mu.RUnlock()
	return p, ok
}

// Send sends out to a chat of any registered provider: to forward a message
// to another chat or another messenger, or to write first. A Contact whose
// card has no usable number, and a File without data, with a bad name or
// over the provider's cap, fail before the provider is called (see
// Context.SendContact and File). An unregistered provider name gives
// ErrUnknownProvider.
func (b *Bot) Send(ctx context.Context, provider, chatID string, out Outgoing) (SentMessage, error) {
	p, ok := b.Provider(provider)
	if !ok {
		return SentMessage{}, fmt.Errorf("%w: %q", ErrUnknownProvider, provider)
	}
	return b.send(ctx, p, chatID, out)
}

// send checks out and hands it to p, telling the observer. b may be nil
// (a Context made without a bot, in tests).
func (b *Bot) send(ctx context.Context, p Provider, chatID string, out Outgoing) (SentMessage, error) {
	switch o := out.(type) {
	case nil:
		return SentMessage{}, errors.New("cardbot: send of a nil Outgoing")
	case Contact:
		if err := checkCard(o); err != nil {
			return SentMessage{}, err
		}
	case File:
		if err := CheckFile(o, fileLimit(p)); err != nil {
			return SentMessage{}, err
		}
	}
	if b == nil || (b.observer == nil && b.tracer == nil) {
		return p.Send(ctx, chatID, out)
	}
	method := methodOf(out)
	var end func(error)
	if b.tracer != nil {
		ctx, end = b.tracer.StartSend(ctx, p.Name(), method)
	}
	start := time.Now()
	m, err := p.Send(ctx, chatID, out)
	if b.observer != nil {
		b.observer.Observe(Observation{Kind: ObsSent, Provider: p.Name(), Method: method,
			Outcome: outcome(err), HTTPStatus: statusOf(err), Duration: time.Since(start)})
	}
	if end != nil {
		end(err)
	}
	return m, err
}

// methodOf names the kind of an outgoing message, as ObsSent says it.
func methodOf(out Outgoing) string {
	switch out.(type) {
	case Text:
		return "text"
	case Contact:
		return "contact"
	case File:
		return "file"
	}
	return "other"
}

// checkCard fails when the card has no number a provider would take and no
// messenger account either.
func checkCard(c Contact) error {
	if _, ok := c.Card.PrimaryPhone(); ok {
		return nil
	}
	if len(c.Card.Accounts) > 0 {
		return nil // a messenger may send it by account (MAX, Aitu); its provider decides
	}
	name := c.Card.FormattedName
	for _, ph := range c.Card.Phones {
		if ph.Err != nil {
			return fmt.Errorf("%w: contact %q: %w", ErrNoUsableNumber, name, ph.Err)
		}
	}
	return fmt.Errorf("%w: contact %q has no phone", ErrNoUsableNumber, name)
}

// logError is the default error handler.
func (b *Bot) logError(c *Context, err error) {
	u := c.Update()
	b.logger.LogAttrs(c.Context(), slog.LevelError, "cardbot: handler failed",
		slog.String("provider", u.Provider),
		slog.String("chat", u.Chat.ID),
		slog.String("kind", u.Kind.String()),
		slog.Any("error", err))
}
