package sandbox

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/cardbot/cardbot/webhook"
)

// Messenger names a messenger the sandbox plays; it is also the segment of
// its routes (/sandbox/whatsapp/…).
type Messenger string

// The messengers the sandbox plays.
const (
	// WhatsApp is GREEN-API's WhatsApp, provider name "greenapi".
	WhatsApp Messenger = "whatsapp"
	// MAX is GREEN-API's MAX, provider name "max".
	MAX Messenger = "max"
	// Telegram is GREEN-API's Telegram, provider name "telegram".
	Telegram Messenger = "telegram"
	// Aitu is the Aitu Bot API, provider name "aitu".
	Aitu Messenger = "aitu"
)

// Messengers returns every messenger the sandbox can play, in the page's
// order.
func Messengers() []Messenger { return []Messenger{WhatsApp, MAX, Telegram, Aitu} }

// Defaults of Config.
const (
	// DefaultSlowDelay is how long every API call waits while the page's
	// "slow API" is on.
	DefaultSlowDelay = 3 * time.Second
	// DefaultHistory is how many events (webhooks, calls, messages) the
	// page can replay to a new tab.
	DefaultHistory = 2000
)

// Config sets up a Sandbox. The zero value plays all three messengers on
// loopback only.
type Config struct {
	// Messengers are the messengers to play; all of Messengers() when
	// empty.
	Messengers []Messenger

	// DefaultRegion is the region the GREEN-API clients (WhatsApp, MAX,
	// Telegram)
	// read national numbers in; greenapi's default ("RU") when empty.
	// Aitu's client keeps its own default ("KZ").
	DefaultRegion string

	// AllowRemote serves the /sandbox/ routes to any client, for any
	// Host. By default they answer 403 to a request that does not come
	// from a loopback address, that carries proxy headers
	// (X-Forwarded-For, Forwarded, X-Real-IP), or whose Host is not a
	// loopback name, because whoever reaches them speaks to the bot as any
	// user. A POST from another site's page is refused either way.
	AllowRemote bool

	// Getenv reads the credential variables that make New refuse to start
	// (CredentialVariables); os.Getenv when nil.
	Getenv func(string) string

	// ExtraCredentials names more variables that must be empty, such as
	// a bot's own secrets.
	ExtraCredentials []string

	// Webhook configures the webhook handlers the sandbox delivers to
	// (body limit, timeout, logger), as webhook.Mount would use it.
	Webhook webhook.Config

	// State shows a chat's conversation state in the page; nil shows none.
	State StateSource

	// SlowDelay is the wait the page's "slow API" adds to every API call;
	// DefaultSlowDelay when zero.
	SlowDelay time.Duration

	// History is how many events the page can replay; DefaultHistory when
	// zero.
	History int

	// Logger receives a line per delivery and per refused request; the
	// bot's logger when nil. No line carries a token.
	Logger *slog.Logger
}

// messengers returns the messengers to play, checked and without repeats.
func (c Config) messengers() ([]Messenger, error) {
	if len(c.Messengers) == 0 {
		return Messengers(), nil
	}
	seen := map[Messenger]bool{}
	var out []Messenger
	for _, m := range c.Messengers {
		if !known(m) {
			return nil, fmt.Errorf("%w: %q", ErrUnknownMessenger, m)
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out, nil
}

func known(m Messenger) bool {
	for _, k := range Messengers() {
		if m == k {
			return true
		}
	}
	return false
}

func (c Config) slowDelay() time.Duration {
	if c.SlowDelay <= 0 {
		return DefaultSlowDelay
	}
	return c.SlowDelay
}

func (c Config) history() int {
	if c.History <= 0 {
		return DefaultHistory
	}
	return c.History
}
