package aitu

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cardbot/cardbot/internal/apiclient"
)

// Defaults of a zero Config field.
const (
	// DefaultAPIURL is the Bot API's current base URL. (It moved twice
	// before: messapi.btsdapps.net, botapi.btsdapps.net.)
	DefaultAPIURL = "https://botapi.aitu.io/bot/v1/"
	// DefaultName is the provider's name.
	DefaultName = "aitu"
	// DefaultRegion is the region national phone numbers are read in.
	DefaultRegion = "KZ"
	// DefaultTimeout is the timeout of the default HTTP client.
	DefaultTimeout = apiclient.DefaultTimeout
	// DefaultDownloadTimeout bounds a whole download of a file, its body
	// included.
	DefaultDownloadTimeout = apiclient.DefaultDownloadTimeout
	// DefaultMaxRetries is how many times a call is retried after a rate
	// limit or a transient error.
	DefaultMaxRetries = apiclient.DefaultMaxRetries
	// DefaultMinBackoff and DefaultMaxBackoff bound the wait between retries.
	DefaultMinBackoff = apiclient.DefaultMinBackoff
	DefaultMaxBackoff = apiclient.DefaultMaxBackoff
	// MaxTextLength is the longest content SendMessage takes, counted as
	// the API counts it: in UTF-16 code units (Java characters).
	MaxTextLength = 4096
	// MaxLocalIDLength is the longest localId the API takes.
	MaxLocalIDLength = 255
	// MaxCommands is how many commands one POST updates/ may carry.
	MaxCommands = 10
	// MaxWebhookURLLength is the longest webhook URL the API takes.
	MaxWebhookURLLength = 200
)

// Config configures a Client. Token is required; every other field has a
// default.
type Config struct {
	// APIURL is the Bot API's base URL; DefaultAPIURL when empty. A
	// trailing slash is added when missing.
	APIURL string

	// Token is the bot's service token from @MasterService. It is sent as
	// the X-BOT-TOKEN header, and never put in an error or a log line.
	Token string

	// DefaultRegion is the ISO 3166 region ("KZ", "RU") national phone
	// numbers of users are read in; DefaultRegion ("KZ") when empty.
	DefaultRegion string

	// PhonePlus says whether phone numbers of contacts sent are written
	// with a leading "+" ("+77011234567"). By default they are bare
	// international digits ("77011234567"), as in Aitu's documentation.
	PhonePlus bool

	// HTTPClient makes the requests. When nil, a client with DefaultTimeout
	// that keeps up to 128 idle connections to the API (http.DefaultTransport
	// keeps 2). Its Timeout bounds each attempt (the Poller makes its own
	// copy with a longer one). The client uses a copy that follows no
	// redirect (see ErrRedirected); HTTPClient itself is not changed.
	// Download uses a copy of its transport that checks every address it
	// dials, uses no proxy and follows no redirect either (see
	// Client.Download).
	HTTPClient *http.Client

	// DownloadTimeout bounds a whole Download, its body included;
	// DefaultDownloadTimeout (60 s) when zero or less.
	DownloadTimeout time.Duration

	// MaxFileSize is the largest file Send uploads, in bytes;
	// DefaultMaxFileSize (50 MiB, cardbot's bound: Aitu documents none)
	// when zero or less. HTTPClient's Timeout bounds an upload too: raise
	// it for large files on slow links.
	MaxFileSize int64

	// Name is the provider's name, unique within a bot; DefaultName when
	// empty.
	Name string

	// MaxRetries is how many times a call is retried after 429, 5xx (but
	// 501) or a network error: DefaultMaxRetries when zero, none when
	// negative.
	MaxRetries int

	// RetrySends makes sends (POST updates/) retried like every other
	// call: after a timeout, a cut connection or a 5xx too, where the
	// request may have reached Aitu and the message may have been sent.
	// Delivery is then at-least-once per send: a message may arrive twice.
	// By default a send is attempted at most once once its request may
	// have reached the provider: again only after the connection was never
	// made (refused, a name that did not resolve, another dial error) or a
	// 429, with which Aitu refused it unprocessed. Other calls (webhook
	// settings, downloads) keep their retries.
	RetrySends bool

	// MinBackoff and MaxBackoff bound the wait before a retry, which grows
	// exponentially from MinBackoff, with jitter. A Retry-After from the
	// server is honored; when it asks for more than MaxBackoff the call
	// fails at once with ErrRateLimited and the wait in APIError.RetryAfter.
	// DefaultMinBackoff and DefaultMaxBackoff when zero.
	MinBackoff, MaxBackoff time.Duration

	// Logger receives retries (level Debug) and the poller's failures;
	// slog.Default() when nil. No line carries the token.
	Logger *slog.Logger
}

// withDefaults validates c and returns it with the defaults filled in. Its
// errors never quote the token.
func (c Config) withDefaults() (Config, error) {
	out, err := c.fill()
	return out, apiclient.RedactError(err, c.Token)
}

func (c Config) fill() (Config, error) {
	if strings.TrimSpace(c.Token) == "" {
		return c, errors.New("aitu: Config.Token is empty")
	}
	for i := 0; i < len(c.Token); i++ {
		if b := c.Token[i]; b < ' ' || b == 0x7f {
			// Not quoted: the token must not reach any error string.
			return c, errors.New("aitu: Config.Token has control characters a header cannot carry")
		}
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if _, err := apiclient.CheckBaseURL("aitu", "APIURL", c.APIURL); err != nil {
		return c, err
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	var err error
	if c.DefaultRegion, err = apiclient.Region("aitu", c.DefaultRegion, DefaultRegion); err != nil {
		return c, err
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	if c.Name == "" {
		c.Name = DefaultName
	}
	s := settingsOf(c).Filled()
	c.HTTPClient, c.DownloadTimeout, c.MaxRetries, c.Logger = s.HTTPClient, s.DownloadTimeout, s.MaxRetries, s.Logger
	c.MinBackoff, c.MaxBackoff = s.MinBackoff, s.MaxBackoff
	return c, nil
}

// settingsOf returns the fields of c that every provider's Config has.
func settingsOf(c Config) apiclient.Settings {
	return apiclient.Settings{HTTPClient: c.HTTPClient, DownloadTimeout: c.DownloadTimeout, MaxRetries: c.MaxRetries,
		MinBackoff: c.MinBackoff, MaxBackoff: c.MaxBackoff, RetrySends: c.RetrySends, Logger: c.Logger}
}
