package aitu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/pollease"
	"github.com/cardbot/cardbot/internal/pollloop"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/store"
)

// PollerConfig configures a Poller; the zero value is the defaults.
type PollerConfig struct {
	// Timeout bounds one poll, which Aitu holds open until updates come or
	// its own timeout passes: 60 s when zero.
	Timeout time.Duration

	// Interval is the pause after a poll that brought no updates, for
	// servers that answer at once: 1 s when zero, none when negative.
	Interval time.Duration

	// MinBackoff and MaxBackoff bound the wait after a failure (of the
	// API, or of a handler with a retryable error), which doubles with each
	// failure in a row: 1 s and 1 min when zero.
	MinBackoff, MaxBackoff time.Duration

	// Locker, when set, is shared by every instance of the bot (a
	// redisstore.Locker): a poller then polls only while it holds the
	// account's lease, so that of several instances one polls at a time.
	// Without it every poller polls.
	Locker store.Locker

	// LeaseTTL is the lease's time to live; the poller renews it before
	// each poll, so a poll and the handling of what it brought must take
	// less. 2 min when zero.
	LeaseTTL time.Duration

	// DeleteWebhook makes the poller delete the bot's webhook when Aitu
	// answers a poll with 400 "Webhook is specified", and go on polling.
	// By default Run stops with ErrWebhookSpecified instead.
	DeleteWebhook bool

	// LastUpdateID is the updateId of the last update already handled, to
	// go on from where an earlier poller stopped; see Poller.LastUpdateID.
	LastUpdateID string
}

// Poller gets updates with GET updates/ (long polling) instead of
// webhooks, for bots without a public URL. Only one poll is in flight at a
// time, as Aitu requires of a token (a second one gets 409).
type Poller struct {
	c    *Client
	d    cardbot.Dispatcher
	http *http.Client
	loop pollloop.Loop

	mu   sync.Mutex
	last string
}

// NewPoller returns a poller that feeds the updates of c to d.
func NewPoller(c *Client, d cardbot.Dispatcher, opts PollerConfig) *Poller {
	p := &Poller{c: c, d: d, last: opts.LastUpdateID}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	interval := opts.Interval
	if interval == 0 {
		interval = time.Second
	}
	hc := *c.cfg.HTTPClient
	hc.Timeout = timeout
	p.http = &hc
	// The lease is named by a hash of the token: never the token itself.
	sum := sha256.Sum256([]byte(c.cfg.Token))
	p.loop = pollloop.Loop{
		Provider: "aitu",
		Name:     c.cfg.Name,
		Lease:    pollease.New(opts.Locker, "aitu:poll:"+hex.EncodeToString(sum[:8]), opts.LeaseTTL, c.log),
		Backoff:  retry.Backoff{Min: opts.MinBackoff, Max: opts.MaxBackoff}.Or(pollloop.DefaultBackoff),
		Interval: interval,
		Logger:   c.log,
		Clean:    c.api.Clean,
		Once: func(ctx context.Context) (bool, error) {
			n, err := p.once(ctx)
			return n == 0, err
		},
		Fatal: func(err error) bool {
			return !pollloop.IsRedeliver(err) && !errors.Is(err, cardbot.ErrMalformedUpdate) && !cardbot.IsRetryable(err)
		},
	}
	if opts.DeleteWebhook {
		p.loop.Recover = p.deleteWebhook
	}
	return p
}

// deleteWebhook deletes the webhook when a poll failed because one is set.
func (p *Poller) deleteWebhook(ctx context.Context, err error) error {
	if !errors.Is(err, ErrWebhookSpecified) {
		return err
	}
	p.c.log.LogAttrs(ctx, slog.LevelWarn, "aitu: deleting the webhook to poll",
		slog.String("provider", p.c.cfg.Name))
	return p.c.DeleteWebhook(ctx)
}

// LastUpdateID returns the updateId of the last update handled, which the
// next poll sends as lastUpdateId.
func (p *Poller) LastUpdateID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

func (p *Poller) setLast(id string) {
	p.mu.Lock()
	p.last = id
	p.mu.Unlock()
}

// Run polls until ctx ends, and returns ctx.Err() then. Each poll sends
// lastUpdateId, the updateId of the last update handled; the updates it
// brings are dispatched in order, and lastUpdateId moves past each one
// that was handled or failed for good (an error that is not
// cardbot.IsRetryable). At the first retryable failure the rest of the
// batch is left: after a backoff the next poll asks again from the last
// update handled, and the bot's deduplication (the update's Key) keeps an
// update that comes twice from being handled twice. (Aitu does not
// document what lastUpdateId does; its Kotlin SDK sends it, and a server
// that ignores it and drops what it served would lose the rest of such a
// batch.)
//
// Failed polls are retried after a backoff (conflicts, rate limits, 5xx,
// network errors, bodies that do not decode). Run stops with an error that
// wraps ErrUnauthorized on 401 (a wrong token, a banned bot), with one that
// wraps ErrWebhookSpecified on 400 "Webhook is specified" (unless
// PollerConfig.DeleteWebhook is set), and with the *APIError of any other
// failure that waiting cannot fix (another 400, 404).
//
// With PollerConfig.Locker, each poll waits until this poller holds the
// token's lease; Run gives the lease up when it returns.
func (p *Poller) Run(ctx context.Context) error { return p.loop.Run(ctx) }

// once polls once and dispatches what came; it returns how many updates
// came.
func (p *Poller) once(ctx context.Context) (int, error) {
	q := url.Values{}
	if last := p.LastUpdateID(); last != "" {
		q.Set("lastUpdateId", last)
	}
	r := p.c.apiRequest(http.MethodGet, "updates", "updates/", q, nil)
	r.Client, r.NoRetry = p.http, true
	body, err := p.c.call(ctx, r)
	if err != nil {
		return 0, err
	}
	updates, ids, err := p.c.decodeBatch(body)
	if err != nil {
		return 0, err
	}
	for i, u := range updates {
		if err := p.d.Dispatch(ctx, p.c, u); err != nil && cardbot.IsRetryable(err) {
			return len(updates), &pollloop.RedeliverError{Kept: "update polled again", Err: err}
		}
		if ids[i] != "" {
			p.setLast(ids[i])
		}
	}
	return len(updates), nil
}
