package greenapitest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// Server is a fake GREEN-API instance on a loopback port. Its methods are
// safe for concurrent use.
type Server struct {
	// URL is the base URL of the API ("http://127.0.0.1:port"), the
	// APIURL of a greenapi.Config.
	URL string
	// IDInstance and Token are the instance id and API token the server
	// accepts.
	IDInstance string
	Token      string
	// WebhookToken is sent as "Authorization: Bearer <token>" by Push,
	// when set (WithWebhookToken).
	WebhookToken string

	base  *fakeapi.Server // serves, and posts webhooks to bots
	opts  options
	calls fakeapi.List[Call]
	sent  fakeapi.List[SentMessage] // added under mu, in the order of their ids
	fails fakeapi.List[Failure]
	files fakeapi.Files // by file id
	queue fakeapi.Queue[queued]

	instState instanceState // getStateInstance's answer: state.go

	mu       sync.Mutex
	delay    time.Duration
	msgFiles map[string]string // "<chatId>/<idMessage>" → file id
	accounts map[string]string // MAX: phone digits → chat id
	checks   int               // MAX: checkAccount calls
	contacts contactBase       // MAX: the instance's contact base
	settings Settings          // what setSettings set
	receipt  int64
	seq      int
}

// Call is one request the server received, decoded.
type Call struct {
	// Method is the API method as written in the path ("sendMessage"),
	// or "file" for a GET of a file URL.
	Method string
	// HTTPMethod is GET, POST or DELETE.
	HTTPMethod string
	// Arg is the path segment after the token (deleteNotification's
	// receipt id), or the file id.
	Arg string
	// Query is the URL's query.
	Query url.Values
	// Body is the JSON body, when there was one.
	Body json.RawMessage
	// Status is the status the server answered.
	Status int
	// Time is when the call arrived.
	Time time.Time
}

// SentMessage is a message the server accepted from sendMessage,
// sendContact or sendFileByUpload.
type SentMessage struct {
	// Method is "sendMessage", "sendContact" or "sendFileByUpload".
	Method string
	// ID is the idMessage the server answered.
	ID string
	// ChatID is the chat it was sent to.
	ChatID string
	// Text is sendMessage's message.
	Text string
	// QuotedMessageID is the quoted message, or empty.
	QuotedMessageID string
	// Contact is sendContact's contact.
	Contact *Contact
	// TypingTime is MAX's typingTime in milliseconds, or 0.
	TypingTime int
	// File is sendFileByUpload's file (see upload.go).
	File *File
}

// Contact is the contact object of sendContact: on WhatsApp the number and
// the names, on MAX only ChatID.
type Contact struct {
	// ChatID is the MAX chat id of the contact shared (MAX only).
	ChatID       string `json:"chatId,omitempty"`
	PhoneContact int64  `json:"phoneContact"`
	FirstName    string `json:"firstName,omitempty"`
	MiddleName   string `json:"middleName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	Company      string `json:"company,omitempty"`
}

// Failure is an answer the server gives instead of the real one (see
// FailNextWith).
type Failure struct {
	// Status is the HTTP status.
	Status int
	// RetryAfter, when positive, is sent as a Retry-After header in whole
	// seconds (rounded up).
	RetryAfter time.Duration
	// Body is the body; a default one for the status when empty.
	Body string
	// ContentType is the body's type; application/json for a body that
	// starts with "{", text/plain otherwise, when empty.
	ContentType string
}

type queued struct {
	receipt int64
	body    json.RawMessage
}

type options struct {
	fakeapi.Options[SentMessage] // MaxFileSize: sendFileByUpload's cap
	id, token                    string
	webhookToken                 string
	prefix                       string
	maxTextLength                int
	max                          bool
	telegram                     bool
}

// Option configures a Server.
type Option func(*options)

// WithCredentials sets the instance id and the API token; by default the id
// is "1101000001" and the token random.
func WithCredentials(id, token string) Option {
	return func(o *options) { o.id, o.token = id, token }
}

// WithWebhookToken sets the webhookUrlToken that Push sends and Config
// carries.
func WithWebhookToken(token string) Option {
	return func(o *options) { o.webhookToken = token }
}

// WithPathPrefix makes the server expect a prefix before /waInstance:
// "/v3" plays GREEN-API's MAX API (with WhatsApp's checks still).
func WithPathPrefix(prefix string) Option {
	return func(o *options) { o.prefix = "/" + strings.Trim(prefix, "/") }
}

// WithMAX makes the server play GREEN-API's MAX API: the "/v3" prefix,
// numeric chat ids (negative for groups) or phone digits for a first
// message, texts of at most 4 000 characters, sendContact with only
// contact.chatId of a contact in the instance's contact base (see
// AddMAXContact), an optional typingTime of 1000–20000 ms, checkAccount
// (see AddMAXAccount), getContacts, addContact, numeric message ids and webhooks of typeInstance
// "v3". Config then sets Messenger to greenapi.MAX. A WithPathPrefix after
// it changes the prefix only.
func WithMAX() Option {
	return func(o *options) {
		o.max, o.telegram = true, false
		o.prefix = greenapi.MAXPathPrefix
		o.maxTextLength = greenapi.MAXMaxTextLength
	}
}

// WithPlainTextErrors makes validation failures answer with a text/plain
// body instead of JSON, as some GREEN-API front ends do.
func WithPlainTextErrors() Option {
	return func(o *options) { o.PlainErrors = true }
}

// WithMaxReceiveWait caps how long receiveNotification waits on an empty
// queue (the request's receiveTimeout otherwise), so that tests of pollers
// run fast.
func WithMaxReceiveWait(d time.Duration) Option {
	return func(o *options) { o.MaxWait = d }
}

// WithPushRetry sets how many times Push posts a webhook that is not
// answered with 200, and the wait between tries: GREEN-API waits a minute,
// the default here is 3 attempts 20 ms apart.
func WithPushRetry(attempts int, interval time.Duration) Option {
	return func(o *options) { o.PushAttempts, o.PushInterval = attempts, interval }
}

// WithSentHook calls f with every message the server accepts, after it
// recorded it: the echobot's sandbox prints the bot's answers this way.
// f must not call the server's methods that wait (Push).
func WithSentHook(f func(SentMessage)) Option {
	return func(o *options) { o.OnSent = f }
}

// NewServer starts a fake GREEN-API server. Close it when done.
func NewServer(opts ...Option) *Server {
	o := options{Options: fakeapi.NewOptions[SentMessage](greenapi.MaxFileSize), id: "1101000001", maxTextLength: 20000}
	fakeapi.Apply(&o, opts)
	if o.token == "" {
		o.token = randomHex(16)
	}
	s := &Server{
		IDInstance:   o.id,
		Token:        o.token,
		WebhookToken: o.webhookToken,
		opts:         o,
		msgFiles:     make(map[string]string),
		accounts:     make(map[string]string),
	}
	push := o.Pusher("greenapitest", pushTimeout, func(status int) bool { return status == http.StatusOK })
	push.Header = func() http.Header {
		if s.WebhookToken == "" {
			return nil
		}
		return http.Header{"Authorization": {"Bearer " + s.WebhookToken}}
	}
	s.base = fakeapi.NewServer(http.HandlerFunc(s.serveHTTP), push)
	s.URL = s.base.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() {
	s.base.Close()
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.base.Client() }

// Config returns a greenapi.Config for the server: its URL, instance,
// token, webhook token, path prefix and, for WithMAX and WithTelegram,
// Messenger MAX or Telegram. Tests
// add their own retry and backoff settings.
func (s *Server) Config() greenapi.Config {
	cfg := greenapi.Config{
		APIURL:           s.URL,
		IDInstance:       s.IDInstance,
		APITokenInstance: s.Token,
		WebhookToken:     s.WebhookToken,
		PathPrefix:       s.opts.prefix,
	}
	switch {
	case s.opts.max:
		cfg.Messenger = greenapi.MAX
	case s.opts.telegram:
		cfg.Messenger = greenapi.Telegram
	}
	return cfg
}

// AddMAXAccount registers a MAX account: checkAccount answers
// {"exist":true,"chatId":chatID} for phone, given as international digits
// ("79001234567"), and addContact adds it to the contact base; other
// numbers have no account. The account is not in the contact base until
// then (see AddMAXContact). It takes effect with WithMAX.
func (s *Server) AddMAXAccount(phone, chatID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[phone] = chatID
}

// CheckAccountCalls returns how many checkAccount calls reached the
// method (after the instance, token and failure checks), including
// refused ones; Reset sets it to 0.
func (s *Server) CheckAccountCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checks
}

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call {
	return s.calls.All()
}

// SentMessages returns the messages accepted so far, in order.
func (s *Server) SentMessages() []SentMessage {
	return s.sent.All()
}

// Reset forgets the calls, the sent messages, pending failures and the
// counts of checkAccount, getContacts and addContact calls (not the MAX
// accounts or the contact base).
func (s *Server) Reset() {
	s.calls.Reset()
	s.sent.Reset()
	s.fails.Reset()
	s.contacts.resetCounts()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks = 0
}

// FailNext makes the next n API calls fail with status, after the
// instance and token were checked. A positive retryAfter is sent as
// Retry-After. The body is GREEN-API's for the status: for 466 the quota
// body of its documentation.
func (s *Server) FailNext(n, status int, retryAfter time.Duration) {
	s.FailNextWith(n, Failure{Status: status, RetryAfter: retryAfter})
}

// FailNextWith makes the next n API calls answer f. A Failure with status
// 200 and body {"code":401,"description":"Unauthorized"} plays the
// GREEN-API quirk of refusing a token with 200.
func (s *Server) FailNextWith(n int, f Failure) {
	s.fails.AddN(n, f)
}

// SetDelay makes every answer wait d (until the request is cancelled), to
// test timeouts.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// nextID returns a new message id in GREEN-API's style: hexadecimal on
// WhatsApp, a number on MAX and Telegram.
func (s *Server) nextID() string {
	s.seq++
	if s.opts.max || s.opts.telegram {
		return fmt.Sprintf("%d", 1762333029830+int64(s.seq))
	}
	return fmt.Sprintf("BAE5%016X", s.seq)
}
