package providertest

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/store"
)

// Retries is the MaxRetries a Harness's New gives its client.
const Retries = 3

// OtherHost is a host name that a Harness's New resolves to loopback for
// the client's downloads: another host than the API's, on the same
// server.
const OtherHost = "files.example.test"

// HostResolver looks up the addresses of a host name, as *net.Resolver
// does. A client that guards its downloads against private addresses
// resolves names with one; the contract's clients use Resolver's.
type HostResolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Resolver returns a resolver for a client's downloads that resolves
// OtherHost to 127.0.0.1, and no other name: it never reaches a DNS
// server.
func Resolver() HostResolver {
	return &apitest.Resolver{Hosts: map[string]string{OtherHost: "127.0.0.1"}}
}

// Call is one API call of a client, named by the method its error names.
type Call[C any] struct {
	// Method is the method the call's errors name ("sendMessage").
	Method string
	// Do makes the call.
	Do func(ctx context.Context, c C) error
}

// Client is what every provider's client is.
type Client interface {
	cardbot.Provider
	cardbot.Downloader
	cardbot.RegionHinter
	cardbot.FileLimiter
}

// Options are what the contract sets on a client. A Harness's New gets
// them complete: all but HTTPClient, DownloadTimeout and MaxFileSize are
// set.
type Options struct {
	// APIURL is the URL of the API.
	APIURL string
	// Token is the API secret; the Harness's Token when empty.
	Token string
	// HTTPClient is the client's HTTP client, when not nil.
	HTTPClient *http.Client
	// RetrySends opts in to sends retried after any transient failure.
	RetrySends bool
	// MinBackoff and MaxBackoff bound the waits between attempts; a
	// millisecond when zero.
	MinBackoff, MaxBackoff time.Duration
	// DownloadTimeout bounds a download, body included; the provider's
	// default when zero.
	DownloadTimeout time.Duration
	// MaxFileSize caps the files the client sends; the provider's cap
	// when zero.
	MaxFileSize int64
	// Logger is the client's logger; a silent one when nil.
	Logger *slog.Logger
}

// complete returns o with its defaults set.
func (o Options) complete(token string) Options {
	if o.Token == "" {
		o.Token = token
	}
	if o.MinBackoff == 0 {
		o.MinBackoff = time.Millisecond
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = max(o.MinBackoff, time.Millisecond)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Failure is an error answer of a Fake.
type Failure struct {
	// Status is the HTTP status.
	Status int
	// RetryAfter, when positive, is sent as a Retry-After header.
	RetryAfter time.Duration
	// Body is the error's message; the fake's own for the status when
	// empty.
	Body string
}

// Fake is a provider's fake API on loopback, as the contract drives it.
type Fake struct {
	// URL is the APIURL of a client of the fake.
	URL string
	// Fail makes the next n API calls answer f.
	Fail func(n int, f Failure)
	// Reset forgets the calls made and the failures still to come.
	Reset func()
	// Calls returns when each API call reached the fake, in order.
	Calls func() []time.Time
	// Sent returns how many messages the fake accepted.
	Sent func() int
	// Enqueue adds an incoming text to what the polls answer.
	Enqueue func(text string)
	// Pending returns how many updates the polls still hold.
	Pending func() int
}

// Refusal is a file that a client refuses to send before any request.
type Refusal struct {
	// Name names the case.
	Name string
	// Chat is the chat to send to; the Harness's Chat when empty.
	Chat string
	// File is the file.
	File cardbot.File
	// Want is the error the send fails with, besides the provider's
	// Validation.
	Want error
}

// Errors are a provider's sentinels.
type Errors struct {
	// Redirected is the error of a redirect not followed.
	Redirected error
	// Transient is the kind of a failure that may pass.
	Transient error
	// Unauthorized is the kind of a refused token.
	Unauthorized error
	// Validation is the kind of a request the API refused as bad.
	Validation error
	// RateLimited is the kind of a 429.
	RateLimited error
}

// all returns the sentinels that are error kinds.
func (e Errors) all() []error {
	return []error{e.Transient, e.Unauthorized, e.Validation, e.RateLimited}
}

// Harness describes a provider's client and its fake API to the
// contract.
type Harness[C Client] struct {
	// Token is the client's API secret, the one the fake accepts.
	Token string
	// New returns a client as o says, with MaxRetries of Retries, whose
	// downloads resolve names with Resolver.
	New func(t *testing.T, o Options) C
	// Serve starts the provider's fake API, closed when the test ends.
	Serve func(t *testing.T) Fake
	// Chat is a chat id of the provider.
	Chat string
	// Send sends a text to Chat.
	Send Call[C]
	// SendFile sends f to chat.
	SendFile func(ctx context.Context, c C, chat string, f cardbot.File) error
	// FileMethod is the method that the errors of a file send's first
	// call name.
	FileMethod string
	// Reads are calls that are not sends; the first one is retried after
	// any transient failure.
	Reads []Call[C]
	// Refusals are files, or chats, that the provider refuses before any
	// request, besides those every provider refuses.
	Refusals []Refusal
	// Errors are the provider's sentinels.
	Errors Errors
	// Status returns the method and HTTP status of the provider's error.
	Status func(err error) (method string, status int, ok bool)
	// Poll returns the Run of a poller of c that feeds d, sharing a lease
	// of LeaseTTL on locker when locker is not nil, with backoffs of a few
	// milliseconds and no pause after an empty poll.
	Poll func(c C, d cardbot.Dispatcher, locker store.Locker) func(context.Context) error
	// Hostile says how the client downloads from a hostile server.
	Hostile Hostile
	// Leaks, when not nil, drives the provider's own failure paths, with
	// logger, passing each error to collect; no secret may show in them.
	Leaks func(t *testing.T, logger *slog.Logger, collect func(error))
	// Secrets are more secrets than Token that Leaks uses.
	Secrets []string
	// Unlogged are texts that no log line may hold besides the secrets:
	// the header that carries the token, a path that holds it.
	Unlogged []string
}

// Run runs the contract on h.
func Run[C Client](t *testing.T, h Harness[C]) {
	newClient := h.New
	h.New = func(t *testing.T, o Options) C { return newClient(t, o.complete(h.Token)) }
	t.Run("redirects are not followed", func(t *testing.T) { redirects(t, h) })
	t.Run("a send is attempted at most once", func(t *testing.T) { atMostOnce(t, h) })
	t.Run("a send that never left is retried", func(t *testing.T) { notSent(t, h) })
	t.Run("failures have kinds", func(t *testing.T) { kinds(t, h) })
	t.Run("a file send fails as a send", func(t *testing.T) { fileFailures(t, h) })
	t.Run("a file that cannot go is refused before any request", func(t *testing.T) { fileRefusals(t, h) })
	t.Run("hostile downloads", func(t *testing.T) { hostileDownloads(t, h) })
	t.Run("no secret leaks", func(t *testing.T) { redaction(t, h) })
	t.Run("pollers", func(t *testing.T) { pollers(t, h) })
}

// file returns the call that sends a small file.
func (h Harness[C]) file() Call[C] {
	return Call[C]{Method: h.FileMethod, Do: func(ctx context.Context, c C) error {
		return h.SendFile(ctx, c, h.Chat, cardbot.File{Name: "a.txt", Data: []byte("hello")})
	}}
}
