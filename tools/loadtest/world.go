package main

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// The fakes' credentials, the same in every phase, so that a bot started
// once (the external mode) talks to each phase's fakes.
const (
	waInstance  = "1101000001"
	waToken     = "loadtest0whatsapp0api0token00001"
	hookToken   = "loadtest-webhook-token" // WhatsApp's webhookUrlToken
	maxInstance = "3100000001"
	maxToken    = "loadtest0max0api0token0000000001"
	maxHook     = "loadtest-max-webhook-token"
	aituToken   = "loadtest-aitu-bot-token"
	aituSecret  = "loadtest-aitu-webhook-secret" // the last segment of Aitu's webhook route
)

// The fakes' own redelivery of a webhook not answered 200; deliver adds
// rounds of it with a growing pause.
const (
	pushAttempts = 2
	pushInterval = 50 * time.Millisecond
)

var discard = slog.New(slog.DiscardHandler)

// world is the setting of one phase: the fake GREEN-API (WhatsApp and
// MAX) and Aitu on loopback, the recorder of what the bot sent them, the
// fault transports on the way to them, and the provider clients an
// in-process bot sends through. With fronts (the external mode) the
// fakes are reached through the fronts' fixed addresses, the faults are
// injected there, and there are no clients: the bot has its own.
type world struct {
	wa, mx *greenapitest.Server
	ai     *aitutest.Server
	faultT [messengers]*faultTransport
	apiURL [messengers]string // where the bot and the floor reach each fake
	waC    *greenapi.Client   // nil in the external mode
	mxC    *greenapi.Client
	aiC    *aitu.Client
	rec    *recorder
	fronts *fronts

	salt    uint64       // of the GREEN-API message ids, new in each world
	ids     atomic.Int64 // GREEN-API message ids given
	mu      sync.Mutex
	byAccnt map[string]string // MAX account → token of the message whose card it is
}

func newWorld(plan FaultPlan, fr *fronts) (*world, error) {
	w := &world{rec: newRecorder(), fronts: fr, salt: 100_000 + rand.Uint64()%900_000, byAccnt: make(map[string]string)}
	push := greenapitest.WithPushRetry(pushAttempts, pushInterval)
	w.wa = greenapitest.NewServer(greenapitest.WithCredentials(waInstance, waToken), greenapitest.WithWebhookToken(hookToken), push,
		greenapitest.WithSentHook(w.recordGreenAPI))
	w.mx = greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithCredentials(maxInstance, maxToken), greenapitest.WithWebhookToken(maxHook), push,
		greenapitest.WithSentHook(w.recordGreenAPI))
	w.ai = aitutest.NewServer(aitutest.WithCredentials(aituToken), aitutest.WithPushRetry(pushAttempts, pushInterval), aitutest.WithSentHook(w.recordAitu))
	var err error
	for m, f := range map[messenger]faultTarget{onWhatsApp: w.wa, onMAX: w.mx, onAitu: w.ai} {
		var slow func(time.Duration)
		if g, ok := f.(*greenapitest.Server); ok {
			slow = g.SetDelay
		}
		if w.faultT[m], err = newFaultTransport(f, slow, plan); err != nil {
			w.close()
			return nil, err
		}
	}
	if fr != nil {
		if w.apiURL, err = fr.route(w); err != nil {
			w.close()
			return nil, err
		}
		return w, nil
	}
	w.apiURL = [messengers]string{onWhatsApp: w.wa.URL, onMAX: w.mx.URL, onAitu: strings.TrimSuffix(w.ai.URL, aitutest.BasePath)}
	if err := w.clients(); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// clients makes the provider clients of an in-process bot, which send
// through the fault transports.
func (w *world) clients() error {
	httpClient := func(m messenger) *http.Client {
		return &http.Client{Transport: w.faultT[m], Timeout: 10 * time.Second}
	}
	var err error
	for m, s := range map[messenger]*greenapitest.Server{onWhatsApp: w.wa, onMAX: w.mx} {
		gc := s.Config()
		gc.HTTPClient = httpClient(m)
		gc.MaxRetries, gc.MinBackoff, gc.MaxBackoff = 4, 10*time.Millisecond, 2*time.Second
		// The injected 500s and slow answers come before the fake acts on
		// a send, so sends may be retried (at-least-once per send), as the
		// fault plan expects.
		gc.RetrySends = true
		gc.Logger = discard
		c, err := greenapi.New(gc)
		if err != nil {
			return fmt.Errorf("greenapi %s: %w", m, err)
		}
		if m == onMAX {
			w.mxC = c
		} else {
			w.waC = c
		}
	}
	ac := w.ai.Config()
	ac.HTTPClient = httpClient(onAitu)
	ac.MaxRetries, ac.MinBackoff, ac.MaxBackoff = 4, 10*time.Millisecond, 2*time.Second
	ac.RetrySends = true
	ac.Logger = discard
	if w.aiC, err = aitu.New(ac); err != nil {
		return fmt.Errorf("aitu: %w", err)
	}
	return nil
}

func (w *world) close() {
	if w.fronts != nil {
		w.fronts.unroute()
	}
	for _, t := range w.faultT {
		if t != nil {
			t.Close()
		}
	}
	w.wa.Close()
	w.mx.Close()
	w.ai.Close()
}

// faults returns the faults injected on every provider, by kind.
func (w *world) faults() [faultKinds]int {
	var out [faultKinds]int
	for _, t := range w.faultT {
		for i, n := range t.Counts() {
			out[i] += n
		}
	}
	return out
}

// messageID returns a new GREEN-API message id, unique across worlds (a
// bot that outlives a phase remembers the ids it handled): hexadecimal
// for WhatsApp, a number for MAX, as GREEN-API writes them.
func (w *world) messageID(m messenger) string {
	n := w.ids.Add(1)
	if m == onMAX {
		return fmt.Sprintf("%06d%07d", w.salt, n%10_000_000)
	}
	return fmt.Sprintf("BAE5%05X%011X", w.salt, n)
}

// setAccount registers the MAX account of a card in the fake's contact
// base, where the bot finds it by phone, and a contact sent to it is the
// answer to token.
func (w *world) setAccount(phone, account, token string) {
	w.mx.AddMAXContact(phone, account, "")
	w.mu.Lock()
	defer w.mu.Unlock()
	w.byAccnt[account] = token
}

func (w *world) accountToken(account string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byAccnt[account]
}

// recordGreenAPI records a send to either GREEN-API fake: a text by its
// token, a contact by its first name (WhatsApp) or its MAX account.
func (w *world) recordGreenAPI(m greenapitest.SentMessage) {
	switch c := m.Contact; {
	case c == nil:
		w.rec.add(m.ChatID, strings.TrimPrefix(m.Text, textPrefix), m.Text)
	case c.ChatID != "":
		token := w.accountToken(c.ChatID)
		w.rec.add(m.ChatID, token, "contact of MAX account "+c.ChatID)
	default:
		w.rec.add(m.ChatID, c.FirstName, "contact "+c.FirstName)
	}
}

func (w *world) recordAitu(c aitutest.SentMessage) {
	chat := aitu.ChatID(c.Recipient.Type, c.Recipient.ID)
	switch {
	case c.InputMedia != nil:
		w.rec.add(chat, c.InputMedia.FirstName, "contact "+c.InputMedia.FirstName)
	case c.Content != nil:
		w.rec.add(chat, strings.TrimPrefix(*c.Content, textPrefix), *c.Content)
	default:
		w.rec.add(chat, "", c.Type)
	}
}
