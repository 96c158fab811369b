package aitutest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/provider/aitu"
)

// BasePath is the path of the API on the server, as on Aitu's host.
const BasePath = "/bot/v1/"

// WebhookSpecified is the body of Aitu's 400 to a poll while a webhook is
// set; FailNextWith(1, Failure{Status: 400, Body: WebhookSpecified})
// plays it.
const WebhookSpecified = "Webhook is specified"

// Server is a fake Aitu Bot API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API's base URL ("http://127.0.0.1:port/bot/v1/"), the
	// APIURL of an aitu.Config.
	URL string
	// Token is the bot token the server accepts in X-BOT-TOKEN.
	Token string

	base    *fakeapi.Server
	opts    options
	calls   fakeapi.List[Call]
	sent    fakeapi.List[SentMessage]
	fails   fakeapi.List[Failure]
	files   fakeapi.Files                  // by file id
	uploads fakeapi.List[Upload]           // see upload.go
	queue   fakeapi.Queue[json.RawMessage] // updates not acknowledged by lastUpdateId

	mu      sync.Mutex
	peers   map[string]string // id → peer type, of dialogs the server knows
	polling bool
	webhook string
}

// Call is one request the server received.
type Call struct {
	// HTTPMethod is GET, POST or DELETE.
	HTTPMethod string
	// Path is the path under the base URL ("updates/", "webhook/").
	Path string
	// Query is the URL's query.
	Query url.Values
	// Body is the body, when there was one.
	Body json.RawMessage
	// Status is the status the server answered.
	Status int
	// Time is when the call arrived.
	Time time.Time
}

// SentMessage is a command the server accepted from POST updates/: a
// message sent, as greenapitest's SentMessage is one (Aitu's API calls them
// commands: SendMessage, SendContactMessage, …).
type SentMessage struct {
	// Command is the command as sent.
	aitu.Command
	// MessageID is the id the server gave the message, which its
	// MessageIdAssigned update carries.
	MessageID string
}

// Failure is an answer the server gives instead of the real one (see
// FailNextWith).
type Failure struct {
	// Status is the HTTP status.
	Status int
	// RetryAfter, when positive, is sent as a Retry-After header in whole
	// seconds (rounded up).
	RetryAfter time.Duration
	// Body is the error's message; Aitu's text for the status when empty
	// ("Token is invalid", "System error", "Gateway timeout", …).
	Body string
}

type options struct {
	fakeapi.Options[SentMessage] // MaxFileSize: upload/'s cap
	token                        string
}

// Option configures a Server.
type Option func(*options)

// WithCredentials sets the bot token; by default it is a random UUID.
func WithCredentials(token string) Option {
	return func(o *options) { o.token = token }
}

// WithPlainTextErrors makes failures answer with a text/plain body instead
// of Spring Boot's JSON error body.
func WithPlainTextErrors() Option {
	return func(o *options) { o.PlainErrors = true }
}

// WithMaxPollWait sets how long GET updates/ waits on an empty queue before
// it answers {"updates":[]}: 1 s by default.
func WithMaxPollWait(d time.Duration) Option {
	return func(o *options) { o.MaxWait = d }
}

// WithPushRetry sets how many times Push posts a body that is not answered
// with 2xx, and the wait between tries: 3 attempts 20 ms apart by default.
// (Aitu's redelivery policy is not documented.)
func WithPushRetry(attempts int, interval time.Duration) Option {
	return func(o *options) { o.PushAttempts, o.PushInterval = attempts, interval }
}

// WithSentHook calls f with every command the server accepts, after it
// recorded it: the echobot's sandbox prints the bot's answers this way. f
// must not call the server's methods that wait (Push).
func WithSentHook(f func(SentMessage)) Option {
	return func(o *options) { o.OnSent = f }
}

// NewServer starts a fake Aitu Bot API. Close it when done.
func NewServer(opts ...Option) *Server {
	o := options{Options: fakeapi.NewOptions[SentMessage](aitu.DefaultMaxFileSize)}
	o.MaxWait = time.Second
	fakeapi.Apply(&o, opts)
	if o.token == "" {
		o.token = NewUUID()
	}
	s := &Server{Token: o.token, opts: o, peers: make(map[string]string)}
	push := o.Pusher("aitutest", 30*time.Second, func(status int) bool { return status >= 200 && status < 300 })
	s.base = fakeapi.NewServer(http.HandlerFunc(s.serveHTTP), push)
	s.URL = s.base.URL + BasePath
	return s
}

// Close stops the background pushes and shuts the server down.
func (s *Server) Close() {
	s.base.Close()
}

// Config returns an aitu.Config for the server: its URL and token. Tests
// add their own retry and backoff settings.
func (s *Server) Config() aitu.Config {
	return aitu.Config{APIURL: s.URL, Token: s.Token}
}

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call {
	return s.calls.All()
}

// SentMessages returns the commands accepted so far, in order.
func (s *Server) SentMessages() []SentMessage {
	return s.sent.All()
}

// Webhook returns the webhook URL set, or "".
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// SetWebhook sets the webhook URL as POST webhook/ would, without a call.
func (s *Server) SetWebhook(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = u
}

// PushErrors returns the errors of the background posts of
// MessageIdAssigned updates to the webhook.
func (s *Server) PushErrors() []error {
	return s.base.PushErrors()
}

// Reset forgets the calls, the sent commands, the uploads and pending
// failures.
func (s *Server) Reset() {
	s.calls.Reset()
	s.sent.Reset()
	s.fails.Reset()
	s.uploads.Reset()
}

// FailNext makes the next n API calls fail with status, after the token
// was checked, with Aitu's text for the status. A positive retryAfter is
// sent as Retry-After.
func (s *Server) FailNext(n, status int, retryAfter time.Duration) {
	s.FailNextWith(n, Failure{Status: status, RetryAfter: retryAfter})
}

// FailNextWith makes the next n API calls answer f.
func (s *Server) FailNextWith(n int, f Failure) {
	s.fails.AddN(n, f)
}

// AddPeer tells the server that id is a dialog of the given peer type
// (aitu.PeerUser, PeerGroup, PeerChannel), so that a command to id with
// another type fails as on Aitu. The Incoming builders add their dialogs.
func (s *Server) AddPeer(peerType, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peers[id] = peerType
}

// AddFile registers data as a file that download/ serves, and returns its
// file id.
func (s *Server) AddFile(name, mime string, data []byte) string {
	id := NewUUID()
	s.files.Add(id, fakeapi.File{Name: name, MIME: mime, Data: data})
	return id
}

// NewUUID returns a random UUID, for dialog, user and message ids.
func NewUUID() string {
	return uuid.NewString()
}
