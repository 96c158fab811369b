package greenapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/pollease"
	"github.com/cardbot/cardbot/internal/pollloop"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/internal/wirejson"
	"github.com/cardbot/cardbot/store"
)

// PollerConfig configures a Poller; the zero value is the defaults.
type PollerConfig struct {
	// ReceiveTimeout is how long one receiveNotification waits for a
	// notification, in whole seconds from 5 to 60 (the API's range); 5 s
	// when zero. The poller's HTTP client waits that long plus 15 s.
	ReceiveTimeout time.Duration

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
}

// Poller receives notifications with GREEN-API's HTTP API
// (receiveNotification, deleteNotification) instead of webhooks, for bots
// without a public URL. The instance's webhookUrl must be empty.
type Poller struct {
	c       *Client
	d       cardbot.Dispatcher
	timeout int // receiveTimeout, seconds
	http    *http.Client
	loop    pollloop.Loop
}

// NewPoller returns a poller that feeds the notifications of c to d.
func NewPoller(c *Client, d cardbot.Dispatcher, opts PollerConfig) *Poller {
	p := &Poller{c: c, d: d}
	p.timeout = int(opts.ReceiveTimeout / time.Second)
	switch {
	case opts.ReceiveTimeout == 0:
		p.timeout = 5
	case p.timeout < 5:
		p.timeout = 5
	case p.timeout > 60:
		p.timeout = 60
	}
	hc := *c.cfg.HTTPClient
	if need := time.Duration(p.timeout)*time.Second + 15*time.Second; hc.Timeout != 0 && hc.Timeout < need {
		hc.Timeout = need
	}
	p.http = &hc
	p.loop = pollloop.Loop{
		Provider: "greenapi",
		Name:     c.cfg.Name,
		Lease:    pollease.New(opts.Locker, "greenapi:poll:"+c.cfg.IDInstance, opts.LeaseTTL, c.log),
		Backoff:  retry.Backoff{Min: opts.MinBackoff, Max: opts.MaxBackoff}.Or(pollloop.DefaultBackoff),
		Logger:   c.log,
		Clean:    c.api.Clean,
		Once:     func(ctx context.Context) (bool, error) { return false, p.once(ctx) },
		Fatal: func(err error) bool {
			return errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrWrongInstance)
		},
	}
	return p
}

// Run receives notifications until ctx ends, and returns ctx.Err() then.
// Each one is decoded and its updates dispatched; the notification is
// deleted from the queue only when every update was handled or failed
// for good (an error that is not cardbot.IsRetryable). A retryable failure
// leaves it in the queue, so that the next receive gets it again, after a
// backoff. A notification that does not decode is logged and deleted.
// A notification of another instance or kind of instance (the client's
// Config.Messenger or IDInstance is not the instance's) is logged once and
// stops Run with an error that wraps ErrWrongInstance, and stays in the
// queue. Failed API calls are retried after a backoff too, except an
// authorization failure, which stops Run with an error that wraps
// ErrUnauthorized. When a delete fails, the notification comes again; the
// bot's deduplication (the update's Key) keeps it from being handled twice.
//
// With PollerConfig.Locker, each receive waits until this poller holds
// the instance's lease; Run gives the lease up when it returns.
func (p *Poller) Run(ctx context.Context) error { return p.loop.Run(ctx) }

// once receives one notification, if any, and handles it.
func (p *Poller) once(ctx context.Context) error {
	n, err := p.receive(ctx)
	if err != nil || n == nil {
		return err
	}
	updates, err := p.c.DecodeWebhook(n.Body)
	if errors.Is(err, ErrWrongInstance) {
		// The client is configured for another messenger or instance than
		// the one it polls: a configuration error, like a wrong token. The
		// notification stays in the queue for a poller configured right.
		p.c.log.LogAttrs(ctx, slog.LevelError, "greenapi: notification for another instance; poller stopped",
			slog.String("provider", p.c.cfg.Name),
			slog.Int64("receipt", int64(n.ReceiptID)),
			slog.String("error", err.Error()))
		return err
	}
	if err != nil {
		p.c.log.LogAttrs(ctx, slog.LevelWarn, "greenapi: notification dropped",
			slog.String("provider", p.c.cfg.Name),
			slog.Int64("receipt", int64(n.ReceiptID)),
			slog.String("error", err.Error()))
	}
	for _, u := range updates {
		if err := p.d.Dispatch(ctx, p.c, u); err != nil && cardbot.IsRetryable(err) {
			return &pollloop.RedeliverError{Kept: "notification kept", Err: err}
		}
	}
	return p.delete(ctx, int64(n.ReceiptID))
}

// receive returns the next notification, or nil when the queue stayed
// empty for the receive timeout.
func (p *Poller) receive(ctx context.Context) (*receivedNotification, error) {
	r := p.c.apiRequest(http.MethodGet, "receiveNotification", nil)
	r.URL += "?receiveTimeout=" + strconv.Itoa(p.timeout)
	r.Client = p.http
	r.NoRetry = true
	body, err := p.c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return nil, nil
	}
	var n receivedNotification
	if err := wirejson.Unmarshal(body, &n); err != nil || n.ReceiptID == 0 {
		return nil, p.c.api.Unexpected(r.Method, body)
	}
	return &n, nil
}

func (p *Poller) delete(ctx context.Context, receipt int64) error {
	r := p.c.apiRequest(http.MethodDelete, "deleteNotification", nil, strconv.FormatInt(receipt, 10))
	_, err := p.c.call(ctx, r)
	return err
}
