package greenapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cardbot/cardbot/internal/apiclient"
)

// Defaults of a zero Config field.
const (
	// DefaultAPIURL is GREEN-API's shared host. Instances also have their
	// own host ("https://1103.api.green-api.com"), shown in the console.
	DefaultAPIURL = "https://api.green-api.com"
	// DefaultName is the provider's name.
	DefaultName = "greenapi"
	// DefaultRegion is the region national phone numbers are read in.
	DefaultRegion = "RU"
	// DefaultTimeout is the timeout of the default HTTP client.
	DefaultTimeout = apiclient.DefaultTimeout
	// DefaultDownloadTimeout bounds a whole download of a file, its body
	// included.
	DefaultDownloadTimeout = apiclient.DefaultDownloadTimeout
	// DefaultMaxRetries is how many times a call is retried after a
	// rate limit or a transient error.
	DefaultMaxRetries = apiclient.DefaultMaxRetries
	// DefaultMinBackoff and DefaultMaxBackoff bound the wait between retries.
	DefaultMinBackoff = apiclient.DefaultMinBackoff
	DefaultMaxBackoff = apiclient.DefaultMaxBackoff
	// DefaultMaxTextLength is the longest text sendMessage takes on
	// WhatsApp, in characters.
	DefaultMaxTextLength = 20000

	// MAXPathPrefix is the path prefix of GREEN-API's MAX API.
	MAXPathPrefix = "/v3"
	// MAXName is the provider's default name for MAX.
	MAXName = "max"
	// MAXMaxTextLength is the longest text sendMessage takes on MAX.
	MAXMaxTextLength = 4000
	// DefaultAccountCacheSize is how many checkAccount answers a MAX client
	// remembers.
	DefaultAccountCacheSize = 4096
	// DefaultAccountTTL is how long a MAX client trusts that a number is on
	// MAX with the chat id checkAccount gave.
	DefaultAccountTTL = 24 * time.Hour
	// DefaultNotFoundTTL is how long a MAX client trusts that a number is
	// not on MAX. GREEN-API warns that checking numbers without an account
	// again and again may get the instance restricted.
	DefaultNotFoundTTL = time.Hour

	// TelegramName is the provider's default name for Telegram.
	TelegramName = "telegram"
	// TelegramMaxTextLength is the longest text sendMessage takes on
	// Telegram, in characters.
	TelegramMaxTextLength = 4096
	// TelegramMaxCaptionLength is the longest caption sendFileByUpload
	// takes on Telegram, in characters.
	TelegramMaxCaptionLength = 1024
)

// Messenger is the messenger a GREEN-API instance serves: its flavour of
// the API. The zero value is WhatsApp.
type Messenger uint8

const (
	// WhatsApp: chat ids "<digits>@c.us" and "…@g.us", sendContact with
	// the card's number and names, texts up to 20 000 characters.
	WhatsApp Messenger = iota
	// MAX: GREEN-API's "/v3" API. Chat ids are numbers as strings, negative
	// for groups ("10000000", "-10000000000000"); sendContact shares a
	// contact of the instance's contact base by its MAX chat id (see
	// MAXContacts); texts up to 4 000 characters.
	MAX
	// Telegram: GREEN-API's Telegram API, on "/waInstance…" like WhatsApp
	// (no "/v3"). Chat ids are numbers as strings, negative for groups;
	// sendContact takes the number and a first name (required), last name
	// and company; texts up to 4 096 characters, captions up to 1 024.
	Telegram
)

// String returns "whatsapp", "max" or "telegram".
func (m Messenger) String() string {
	switch m {
	case WhatsApp:
		return "whatsapp"
	case MAX:
		return "max"
	case Telegram:
		return "telegram"
	}
	return fmt.Sprintf("Messenger(%d)", uint8(m))
}

// Config configures a Client. IDInstance and APITokenInstance are required;
// every other field has a default.
type Config struct {
	// APIURL is the instance's API host; DefaultAPIURL when empty.
	APIURL string

	// MediaURL is the host of file uploads (sendFileByUpload), which
	// GREEN-API recommends ("https://media.green-api.com", or the
	// instance's own, shown in the console); APIURL when empty. The path
	// prefix ("/v3" on MAX) is added unless it ends with it.
	MediaURL string

	// Messenger is the flavour of the API: WhatsApp (the zero value), MAX
	// or Telegram. It changes the defaults of PathPrefix ("/v3" on MAX),
	// Name ("max", "telegram") and MaxTextLength (4 000, 4 096), the chat
	// ids Send takes, what sendContact sends, and the typeInstance the
	// decoder accepts ("whatsapp", "v3", "telegram").
	Messenger Messenger

	// IDInstance is the instance id, digits only ("1101000001").
	IDInstance string

	// APITokenInstance is the instance's API token. It travels in the URL
	// path; the client never puts it in an error or a log line.
	APITokenInstance string

	// WebhookToken is the webhookUrlToken set in GREEN-API's settings.
	// When set, VerifyWebhook requires "Authorization: Bearer <token>";
	// when empty, VerifyWebhook accepts every request.
	WebhookToken string

	// DefaultRegion is the ISO 3166 region ("RU", "KZ") national phone
	// numbers are read in: chat ids given as phone numbers and the numbers
	// of contact cards. DefaultRegion ("RU") when empty.
	DefaultRegion string

	// HTTPClient makes the requests. When nil, a client with DefaultTimeout
	// that keeps up to 128 idle connections to the API (http.DefaultTransport
	// keeps 2). Its Timeout bounds each attempt. The client uses a copy that
	// follows no redirect (see ErrRedirected); HTTPClient itself is not
	// changed. Download uses a copy of its transport that checks every
	// address it dials and uses no proxy (see Client.Download).
	HTTPClient *http.Client

	// DownloadTimeout bounds a whole Download, its body included;
	// DefaultDownloadTimeout (60 s) when zero or less.
	DownloadTimeout time.Duration

	// Name is the provider's name, unique within a bot; DefaultName
	// ("greenapi") when empty, MAXName ("max") for MAX, TelegramName
	// ("telegram") for Telegram. A bot with two
	// instances gives them two names.
	Name string

	// PathPrefix goes between APIURL and "/waInstance…": "" for WhatsApp;
	// for MAX, MAXPathPrefix ("/v3") when empty. It is not added again when
	// APIURL already ends with it ("https://3100.api.green-api.com/v3").
	PathPrefix string

	// MaxRetries is how many times a call is retried after 429, 499, 5xx
	// (but 501) or a network error: DefaultMaxRetries when zero, none when
	// negative.
	MaxRetries int

	// RetrySends makes sends (sendMessage, sendContact, sendFileByUpload)
	// retried like every other call: after a timeout, a cut connection, 499 or
	// 5xx too, where the request may have reached GREEN-API and the message
	// may have been sent. Delivery is then at-least-once per send: a message
	// may arrive twice. By default a send is attempted at most once once its
	// request may have reached the provider: again only after the connection
	// was never made (refused, a name that did not resolve, another dial
	// error) or a 429, with which GREEN-API refused it unprocessed. Other
	// calls (checkAccount, downloadFile, downloads, deleteNotification)
	// keep their retries.
	RetrySends bool

	// MinBackoff and MaxBackoff bound the wait before a retry, which grows
	// exponentially from MinBackoff, with jitter. A Retry-After from the
	// server is honored; when it asks for more than MaxBackoff the call
	// fails at once with ErrRateLimited and the wait in RetryAfter.
	// DefaultMinBackoff and DefaultMaxBackoff when zero.
	MinBackoff, MaxBackoff time.Duration

	// MaxTextLength is the longest text Send accepts, in characters:
	// DefaultMaxTextLength (WhatsApp's 20 000) when zero, MAXMaxTextLength
	// (4 000) for MAX, TelegramMaxTextLength (4 096) for Telegram. On
	// Telegram a file's caption is also held to TelegramMaxCaptionLength.
	MaxTextLength int

	// MaxFileSize is the largest file Send uploads, in bytes: MaxFileSize
	// (GREEN-API's 100 MB) when zero or less; New fails when it is more.
	// HTTPClient's Timeout bounds an upload too: raise it for large files
	// on slow links.
	MaxFileSize int64

	// TypingTime, on MAX, is how long the chat shows "typing…" before a
	// message or a contact arrives (typingTime): none when zero, else
	// between 1 and 20 seconds, in whole milliseconds. WhatsApp and Telegram
	// ignore it.
	TypingTime time.Duration

	// AccountCacheSize bounds how many checkAccount answers a MAX client
	// keeps (DefaultAccountCacheSize when zero); the least recently used
	// go first. AccountTTL and NotFoundTTL are how long an answer that the
	// number is on MAX, or is not, is trusted: DefaultAccountTTL (24 h)
	// and DefaultNotFoundTTL (1 h) when zero.
	AccountCacheSize        int
	AccountTTL, NotFoundTTL time.Duration

	// MAXContacts configures how a MAX client finds the contacts it
	// shares in the instance's contact base, adds them, or sends them as
	// .vcf files (see MAXContacts). WhatsApp ignores it.
	MAXContacts MAXContacts

	// Logger receives retries (level Debug) and the poller's errors;
	// slog.Default() when nil. No line carries a token or a URL with one.
	Logger *slog.Logger
}

// withDefaults validates c and returns it with the defaults filled in.
// Its errors never quote a token, even one pasted into a URL.
func (c Config) withDefaults() (Config, error) {
	out, err := c.fill()
	return out, apiclient.RedactError(err, c.APITokenInstance, c.WebhookToken)
}

func (c Config) fill() (Config, error) {
	if c.IDInstance == "" {
		return c, errors.New("greenapi: Config.IDInstance is empty")
	}
	if !allDigits(c.IDInstance) || len(c.IDInstance) > 20 {
		return c, fmt.Errorf("greenapi: Config.IDInstance %q is not a number", c.IDInstance)
	}
	if c.APITokenInstance == "" {
		return c, errors.New("greenapi: Config.APITokenInstance is empty")
	}
	if !pathSafe(c.APITokenInstance) {
		// The token is not quoted: it must not reach any error string.
		return c, errors.New("greenapi: Config.APITokenInstance has characters a URL path cannot carry")
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if _, err := apiclient.CheckBaseURL("greenapi", "APIURL", c.APIURL); err != nil {
		return c, err
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	switch c.Messenger {
	case WhatsApp:
	case MAX:
		if strings.Trim(c.PathPrefix, "/") == "" {
			c.PathPrefix = MAXPathPrefix
		}
		if c.Name == "" {
			c.Name = MAXName
		}
		if c.MaxTextLength <= 0 {
			c.MaxTextLength = MAXMaxTextLength
		}
		if c.TypingTime != 0 && (c.TypingTime < time.Second || c.TypingTime > 20*time.Second) {
			return c, fmt.Errorf("greenapi: Config.TypingTime %s: want 0 or between 1s and 20s", c.TypingTime)
		}
	case Telegram:
		if c.Name == "" {
			c.Name = TelegramName
		}
		if c.MaxTextLength <= 0 {
			c.MaxTextLength = TelegramMaxTextLength
		}
	default:
		return c, fmt.Errorf("greenapi: Config.Messenger %s: want WhatsApp, MAX or Telegram", c.Messenger)
	}
	if c.AccountCacheSize <= 0 {
		c.AccountCacheSize = DefaultAccountCacheSize
	}
	if c.AccountTTL <= 0 {
		c.AccountTTL = DefaultAccountTTL
	}
	if c.NotFoundTTL <= 0 {
		c.NotFoundTTL = DefaultNotFoundTTL
	}
	c.MAXContacts = c.MAXContacts.withDefaults()
	var err error
	if c.MediaURL, err = mediaURL(c.MediaURL, c.APIURL, c.PathPrefix); err != nil {
		return c, err
	}
	if c.MaxFileSize, err = fileCap(c.MaxFileSize); err != nil {
		return c, err
	}
	c.PathPrefix = strings.Trim(c.PathPrefix, "/")
	if c.PathPrefix != "" {
		c.PathPrefix = "/" + c.PathPrefix
		if strings.HasSuffix(c.APIURL, c.PathPrefix) {
			c.PathPrefix = ""
		}
	}
	if c.DefaultRegion, err = apiclient.Region("greenapi", c.DefaultRegion, DefaultRegion); err != nil {
		return c, err
	}
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.MaxTextLength <= 0 {
		c.MaxTextLength = DefaultMaxTextLength
	}
	c.setSettings(c.settings().Filled())
	return c, nil
}

// settings returns the fields every provider's Config has.
func (c Config) settings() apiclient.Settings {
	return apiclient.Settings{HTTPClient: c.HTTPClient, DownloadTimeout: c.DownloadTimeout, MaxRetries: c.MaxRetries,
		MinBackoff: c.MinBackoff, MaxBackoff: c.MaxBackoff, RetrySends: c.RetrySends, Logger: c.Logger}
}

func (c *Config) setSettings(s apiclient.Settings) {
	c.HTTPClient, c.DownloadTimeout, c.MaxRetries, c.Logger = s.HTTPClient, s.DownloadTimeout, s.MaxRetries, s.Logger
	c.MinBackoff, c.MaxBackoff, c.RetrySends = s.MinBackoff, s.MaxBackoff, s.RetrySends
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pathSafe reports whether s can be one URL path segment as it is.
func pathSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			return false
		}
		switch c {
		case '/', '?', '#', '%', '\\':
			return false
		}
	}
	return true
}
