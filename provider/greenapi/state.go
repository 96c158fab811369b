package greenapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cardbot/cardbot"
)

// The states of an instance, as getStateInstance and stateInstanceChanged
// name them. Only StateAuthorized can send.
const (
	StateAuthorized    = "authorized"    // it works
	StateNotAuthorized = "notAuthorized" // the account must be linked again (QR code, or a code on Telegram)
	StateBlocked       = "blocked"       // the account is banned
	StateSleepMode     = "sleepMode"     // the phone is off (WhatsApp)
	StateStarting      = "starting"      // starting up or in maintenance, up to 5 minutes
	StateYellowCard    = "yellowCard"    // sending suspended for spam (WhatsApp)
	StateSuspended     = "suspended"     // temporary restrictions (MAX, Telegram)
	// StatePendingPassword: Telegram waits for the account's two-factor
	// password.
	StatePendingPassword = "pendingPassword"
)

// How often WatchState reads the state. GREEN-API suggests asking every
// minute; getStateInstance takes one request a second at most.
const (
	DefaultStateInterval = time.Minute
	MinStateInterval     = time.Second
)

// ErrInstanceNotReady is matched by an *InstanceStateError: the instance
// cannot send.
var ErrInstanceNotReady = errors.New("greenapi: instance cannot send")

// InstanceStateError says why an instance cannot send: its state, its
// spent quota, or a failed read of its state. Client.Ping returns it, so
// that Bot.Ready and a readiness probe report it.
type InstanceStateError struct {
	// IDInstance is the instance.
	IDInstance string
	// State is its last known state, "" when none is known.
	State string
	// QuotaExceeded says GREEN-API reported the quota spent (a
	// quotaExceeded webhook or a 466) and no send succeeded since.
	QuotaExceeded bool
	// Err is why the last getStateInstance failed, when it did.
	Err error
}

// Error names the instance and what is wrong with it.
func (e *InstanceStateError) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("greenapi: instance %s: reading its state: %v", e.IDInstance, e.Err)
	case e.State != "" && e.State != StateAuthorized:
		return fmt.Sprintf("greenapi: instance %s is %s", e.IDInstance, e.State)
	}
	return fmt.Sprintf("greenapi: instance %s: quota exceeded", e.IDInstance)
}

// Is reports whether target is ErrInstanceNotReady.
func (e *InstanceStateError) Is(target error) bool { return target == ErrInstanceNotReady }

// Unwrap returns the failure of getStateInstance, or nil.
func (e *InstanceStateError) Unwrap() error { return e.Err }

// ReadyReason says what is wrong in a word or two: the state
// ("notAuthorized"), "quotaExceeded", or "getStateInstance failed: 401".
func (e *InstanceStateError) ReadyReason() string {
	switch {
	case e.Err != nil:
		var ae *APIError
		if errors.As(e.Err, &ae) && ae.StatusCode != 0 {
			return "getStateInstance failed: " + strconv.Itoa(ae.StatusCode)
		}
		return "getStateInstance failed"
	case e.State != "" && e.State != StateAuthorized:
		return e.State
	}
	return "quotaExceeded"
}

// instanceHealth is what a Client knows of its instance's state.
type instanceHealth struct {
	mu    sync.Mutex
	state string // "" until known
	quota bool
	err   error // the last read failed
}

// problem returns what keeps the instance from sending, or nil.
func (h *instanceHealth) problem(id string) *InstanceStateError {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil && !h.quota && (h.state == "" || h.state == StateAuthorized) {
		return nil
	}
	return &InstanceStateError{IDInstance: id, State: h.state, QuotaExceeded: h.quota, Err: h.err}
}

// Ping reports whether the instance can send, as far as the client knows,
// without a request: nil while its state is authorized or not known yet,
// else an *InstanceStateError (matching ErrInstanceNotReady) with its
// state, a spent quota, or why its state could not be read. The state
// comes from getStateInstance (GetStateInstance, WatchState) and from the
// stateInstanceChanged and quotaExceeded notifications the client decodes.
// cardbot.Bot.Ready calls it.
func (c *Client) Ping(context.Context) error {
	if p := c.health.problem(c.cfg.IDInstance); p != nil {
		return p
	}
	return nil
}

// InstanceStatus implements cardbot.InstanceReporter: the instance's last
// known state, for Bot.Ready's report and the prom gauges.
func (c *Client) InstanceStatus() cardbot.InstanceStatus {
	c.health.mu.Lock()
	st := cardbot.InstanceStatus{Provider: c.cfg.Name, Instance: c.cfg.IDInstance, State: c.health.state,
		QuotaExceeded: c.health.quota}
	c.health.mu.Unlock()
	st.Ready = true
	if p := c.health.problem(c.cfg.IDInstance); p != nil {
		st.Ready, st.Reason = false, p.ReadyReason()
	}
	return st
}

// GetStateInstance asks GREEN-API for the instance's state
// ("authorized", "notAuthorized", … see the State constants), and keeps
// it for Ping. A failed call is kept too (but a 429, or one its ctx
// cancelled): Ping reports the instance not ready until a call succeeds.
func (c *Client) GetStateInstance(ctx context.Context) (string, error) {
	var out struct {
		StateInstance string `json:"stateInstance"`
	}
	_, err := c.callJSON(ctx, c.apiRequest(http.MethodGet, "getStateInstance", nil), &out)
	if err == nil && out.StateInstance == "" {
		err = &APIError{Method: "getStateInstance", StatusCode: http.StatusOK, Message: "no stateInstance in the answer"}
	}
	if err != nil {
		// A read its caller gave up, or one refused by the rate limit
		// (getStateInstance takes one a second), says nothing of the
		// instance.
		if !errors.Is(ctx.Err(), context.Canceled) && !errors.Is(err, ErrRateLimited) {
			c.setHealth(func(h *instanceHealth) { h.err = err })
		}
		return "", err
	}
	c.setHealth(func(h *instanceHealth) { h.state, h.err = out.StateInstance, nil })
	return out.StateInstance, nil
}

// setHealth changes the health and logs a change of whether the instance
// can send.
func (c *Client) setHealth(change func(*instanceHealth)) {
	before := c.health.problem(c.cfg.IDInstance)
	c.health.mu.Lock()
	change(&c.health)
	c.health.mu.Unlock()
	after := c.health.problem(c.cfg.IDInstance)
	switch {
	case after != nil && (before == nil || before.ReadyReason() != after.ReadyReason()):
		c.log.LogAttrs(context.Background(), slog.LevelWarn, "greenapi: the instance cannot send",
			slog.String("provider", c.cfg.Name), slog.String("instance", c.cfg.IDInstance),
			slog.String("reason", after.ReadyReason()), slog.Any("error", after))
	case after == nil && before != nil:
		c.log.LogAttrs(context.Background(), slog.LevelInfo, "greenapi: the instance can send again",
			slog.String("provider", c.cfg.Name), slog.String("instance", c.cfg.IDInstance))
	}
}

// noteNotification keeps what a stateInstanceChanged or quotaExceeded
// notification of this instance says. GREEN-API sends an instance's
// notifications one at a time, in order, so the last one is the state.
func (c *Client) noteNotification(n *notification) {
	if n.TypeWebhook != typeStateInstance && n.TypeWebhook != typeQuotaExceeded {
		return
	}
	if id := string(n.InstanceData.IDInstance); id != "" && id != c.cfg.IDInstance {
		return // another instance's: not ours to believe
	}
	switch {
	case n.TypeWebhook == typeQuotaExceeded:
		c.setHealth(func(h *instanceHealth) { h.quota = true })
	case n.StateInstance != "":
		c.setHealth(func(h *instanceHealth) { h.state, h.err = n.StateInstance, nil })
	}
}

// noteCall keeps what a call's outcome says of the instance: a 466 spends
// the quota; a send that succeeds shows the instance can send.
func (c *Client) noteCall(method string, err error) {
	var ae *APIError
	switch {
	case errors.As(err, &ae) && ae.StatusCode == 466:
		c.setHealth(func(h *instanceHealth) { h.quota = true })
	case err == nil && isSend(method):
		c.health.mu.Lock()
		quota := c.health.quota
		c.health.mu.Unlock()
		if quota {
			c.setHealth(func(h *instanceHealth) { h.quota = false })
		}
	}
}

func isSend(method string) bool {
	switch method {
	case "sendMessage", "sendContact", "sendFileByUpload", "sendFileByUrl":
		return true
	}
	return false
}

// StateWatcher reads an instance's state at an interval; see
// Client.WatchState.
type StateWatcher struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// WatchState reads the instance's state with getStateInstance at once and
// then every interval (DefaultStateInterval, a minute, when zero or less;
// MinStateInterval, a second, at least), so that Ping and the gauges
// follow it even when no stateInstanceChanged notification comes (they
// need stateWebhook on in the instance's settings). Each read is bounded
// by the interval. Close stops it.
func (c *Client) WatchState(interval time.Duration) *StateWatcher {
	if interval <= 0 {
		interval = DefaultStateInterval
	}
	interval = max(interval, MinStateInterval)
	ctx, cancel := context.WithCancel(context.Background())
	w := &StateWatcher{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			rctx, rcancel := context.WithTimeout(ctx, interval)
			_, _ = c.GetStateInstance(rctx) // kept for Ping, and logged when it changes
			rcancel()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Close stops the reads and waits for the one under way to end. It
// returns nil; calling it again does nothing.
func (w *StateWatcher) Close() error {
	w.cancel()
	<-w.done
	return nil
}
