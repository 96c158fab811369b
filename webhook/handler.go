package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/cardbot/cardbot"
)

// DefaultBodyLimit is the largest body a route reads: 1 MiB.
const DefaultBodyLimit = 1 << 20

// DefaultTimeout bounds the handling of one webhook request: 50 s, below
// Server's default WriteTimeout (60 s) and far below GREEN-API's wait for
// an answer (180 s).
const DefaultTimeout = 50 * time.Second

// authLogEvery and authLogBurst bound the log lines of failed
// authentications of a route: a burst of authLogBurst, then one a second.
// The next line that is written counts those left out ("suppressed").
const (
	authLogEvery = time.Second
	authLogBurst = 5
)

// writeMargin is the part of the serving http.Server's WriteTimeout kept
// for writing the answer: a request's deadline ends at 9/10 of it.
const writeMargin = 10

// Config sets how a route reads webhooks. The zero value is the default.
type Config struct {
	// BodyLimit is the largest body read, in bytes; a larger one answers
	// 413, once the route has drained it (see MaxBodyDrain). Optional. Default
	// DefaultBodyLimit.
	BodyLimit int64

	// Timeout bounds the handling of one request, from the moment the
	// route gets it: reading the body, then the bot's handlers in sync
	// mode or the push to the queue in async mode. It is one deadline for
	// all of it. When it passes, the context the handlers got ends, so
	// that their sends stop, and the route answers 503 (the provider
	// delivers the update again). A handler must watch its context (every
	// provider's Send does): one that ignores it holds the answer until it
	// returns. Whatever Timeout says, the deadline ends at 9/10 of the
	// WriteTimeout of the http.Server that serves the request (a Server,
	// or your own, found in the request's context), so that the 503 can
	// still be written. Optional. Default DefaultTimeout.
	Timeout time.Duration

	// Logger gets a line for every request refused or failed. Optional.
	// Default: the Dispatcher's logger when it has a Logger() method, else
	// slog.Default().
	Logger *slog.Logger

	// ClientIP returns the client's address that the log line of a
	// refused request names. Set it only when the route is behind proxies
	// you trust to say who the client is: echo's
	// echo.ExtractIPFromXFFHeader(echo.TrustIPRange(…)) is one. Optional.
	// Default: the address of the connection's peer (the request's
	// RemoteAddr), since X-Forwarded-For and X-Real-IP are whatever the
	// client wrote; under Mount, the echo application's IPExtractor when
	// it has one.
	ClientIP func(*http.Request) string

	// AllowUnauthenticated mounts the route even though its Source
	// accepts a request that carries no credentials: a GREEN-API client
	// without a WebhookToken, an Aitu client (Aitu signs nothing, so the
	// route's path must then hold a secret of its own), or any Source whose
	// VerifyWebhook lets everyone in. Without it such a route is refused
	// with ErrUnauthenticated, so that a forgotten token cannot open the
	// bot to anyone who finds its URL. Set it only for tests, for a route
	// on loopback, or for a route whose path is itself a secret. Optional.
	// Default false.
	AllowUnauthenticated bool
}

// ErrUnauthenticated is the error of NewHandler, EchoHandler, Mount and
// Server.Handle when the Source accepts a webhook request without credentials and
// Config.AllowUnauthenticated is not set: configure the provider's webhook
// token (greenapi.Config.WebhookToken), or opt in explicitly.
var ErrUnauthenticated = errors.New("webhook: the source accepts requests without credentials " +
	"(set its webhook token, or Config.AllowUnauthenticated to accept anyone)")

// ErrNilArgument is the error of NewHandler, EchoHandler, Mount and
// Server.Handle when the Dispatcher or the Source is nil.
var ErrNilArgument = errors.New("webhook: nil cardbot.Dispatcher or Source")

// NewHandler returns the webhook route of src as an http.Handler, to
// mount on net/http's ServeMux, chi or any router of the standard
// interface; EchoHandler and Mount are the same route for echo. It takes POST
// (other methods answer 405), checks the request's authentication, reads
// the body within the limit, decodes it and hands the updates to d; the
// status of its answer is one of those of the package documentation, with
// a body {"message": …}. It fails with ErrUnauthenticated when src would
// accept anyone (see Config.AllowUnauthenticated), and with
// ErrNilArgument.
func NewHandler(d cardbot.Dispatcher, src Source, cfg Config) (http.Handler, error) {
	return newHandler(d, src, cfg)
}

func newHandler(d cardbot.Dispatcher, src Source, cfg Config) (*handler, error) {
	if d == nil || src == nil {
		return nil, ErrNilArgument
	}
	if !cfg.AllowUnauthenticated && acceptsAnyone(src) {
		return nil, fmt.Errorf("%w: provider %s", ErrUnauthenticated, src.Name())
	}
	limit := cfg.BodyLimit
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &handler{d: d, src: src, log: loggerFor(cfg.Logger, d), timeout: timeout, limit: limit,
		clientIP: cfg.ClientIP, authLog: rate.NewLimiter(rate.Every(authLogEvery), authLogBurst)}, nil
}

// acceptsAnyone reports whether src lets in a request that carries no
// credentials at all: no headers, no body, a path no route has, from an
// address of the documentation range (RFC 5737), so that an allowlist of
// addresses or a check of the path refuses it too.
func acceptsAnyone(src Source) bool {
	// A constant method and a valid URL: NewRequest does not fail.
	r, _ := http.NewRequest(http.MethodPost, "http://cardbot.invalid/cardbot-authentication-probe", http.NoBody)
	r.RemoteAddr = "192.0.2.1:1"
	return src.VerifyWebhook(r) == nil
}

type handler struct {
	d       cardbot.Dispatcher
	src     Source
	log     *slog.Logger
	timeout time.Duration
	limit   int64

	clientIP   func(*http.Request) string // nil: the peer's address
	authLog    *rate.Limiter              // lines of failed authentications
	suppressed atomic.Int64               // lines left out since the last one
}

// ServeHTTP answers a webhook request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeStatus(w, http.StatusMethodNotAllowed)
		return
	}
	writeStatus(w, h.handle(w, r, h.clientIP))
}

// handle runs the route for r and returns the status to answer. extract,
// when not nil, gives the client's address for the log; w is only for
// draining an oversize body: handle writes nothing.
func (h *handler) handle(w http.ResponseWriter, r *http.Request, extract func(*http.Request) string) int {
	start := time.Now()
	deadline := h.deadline(r, start)
	if err := h.src.VerifyWebhook(r); err != nil {
		h.authFailed(r, extract, err)
		return http.StatusUnauthorized
	}
	body, err := readBody(w, r, h.limit)
	switch {
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case err != nil:
		return http.StatusBadRequest
	}
	updates, err := h.src.DecodeWebhook(body)
	if errors.Is(err, cardbot.ErrMisrouted) {
		// A notification of another instance: the provider's webhook URL
		// points at the wrong route. Nothing answers it here; 422 keeps it
		// at the provider, which delivers it again, so that the operator
		// sees the refusals and nothing is lost once the URL is fixed.
		h.log.Warn("webhook: update for another provider instance refused", "provider", h.src.Name(), "error", err)
		return http.StatusUnprocessableEntity
	}
	if err != nil {
		h.log.Warn("webhook: malformed body", "provider", h.src.Name(), "bytes", len(body), "error", err)
		return http.StatusBadRequest
	}
	// The handling does not end when the provider hangs up (a sync handler
	// is not cut short half way through its sends), but at the deadline:
	// its sends then fail, it returns, and the provider hears 503 while it
	// still listens.
	ctx, cancel := context.WithDeadline(context.WithoutCancel(r.Context()), deadline)
	defer cancel()
	retry := ctx.Err() == nil && h.dispatch(ctx, updates)
	if ctx.Err() != nil {
		h.log.Warn("webhook: handling took longer than the timeout; answered 503",
			"provider", h.src.Name(), "timeout", deadline.Sub(start).Round(time.Millisecond))
		retry = true
	}
	if retry {
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

// messages are the texts of the answers that are not 200.
var messages = map[int]string{
	http.StatusUnauthorized:          "unauthorized",
	http.StatusBadRequest:            "malformed update",
	http.StatusUnprocessableEntity:   "update for another instance",
	http.StatusRequestEntityTooLarge: "body over the limit",
	http.StatusServiceUnavailable:    "try again later",
	http.StatusMethodNotAllowed:      "method not allowed",
}

// bodies are the JSON bodies of those answers, made once.
var bodies = func() map[int][]byte {
	m := make(map[int][]byte, len(messages))
	for code, msg := range messages {
		m[code] = []byte(`{"message":"` + msg + `"}` + "\n")
	}
	return m
}()

// writeStatus answers code, with its JSON body unless it is 200.
func writeStatus(w http.ResponseWriter, code int) {
	b, ok := bodies[code]
	if !ok {
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// authFailed logs a failed authentication, unless too many came lately.
// The client's address is extract's, or else the connection's peer.
func (h *handler) authFailed(r *http.Request, extract func(*http.Request) string, err error) {
	if !h.authLog.Allow() {
		h.suppressed.Add(1)
		return
	}
	remote := ""
	if extract != nil {
		remote = extract(r)
	}
	if remote == "" {
		remote = peer(r)
	}
	attrs := []slog.Attr{slog.String("provider", h.src.Name()), slog.String("remote", remote), slog.Any("error", err)}
	if n := h.suppressed.Swap(0); n > 0 {
		attrs = append(attrs, slog.Int64("suppressed", n))
	}
	h.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook: authentication failed", attrs...)
}

// peer is the address of the connection's other end, without the port.
func peer(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// deadline is when the handling of a request that came at start must end:
// after the route's timeout, and before the serving http.Server's
// WriteTimeout (counted from the end of the request's headers, just before
// start) leaves no time to write the answer.
func (h *handler) deadline(r *http.Request, start time.Time) time.Time {
	d := h.timeout
	if s, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok && s.WriteTimeout > 0 {
		d = min(d, s.WriteTimeout-s.WriteTimeout/writeMargin)
	}
	return start.Add(d)
}

// dispatch hands updates to the Dispatcher and reports whether one of them
// asked to be delivered again.
func (h *handler) dispatch(ctx context.Context, updates []cardbot.Update) (retry bool) {
	for _, u := range updates {
		if err := h.d.Dispatch(ctx, h.src, u); err != nil && cardbot.IsRetryable(err) {
			retry = true // the rest still run; dedup skips the handled ones on redelivery
		}
	}
	return retry
}

func loggerFor(l *slog.Logger, d any) *slog.Logger {
	if l != nil {
		return l
	}
	if lg, ok := d.(interface{ Logger() *slog.Logger }); ok && lg.Logger() != nil {
		return lg.Logger()
	}
	return slog.Default()
}
