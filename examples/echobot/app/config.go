package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// Delivery modes of DELIVERY.
const (
	deliverySync  = "sync"
	deliveryAsync = "async"
)

// defaultMetricsAddr is where /metrics is served unless METRICS_ADDR says
// otherwise: loopback only, as the metrics are for the operator, not for
// whoever can reach the webhooks.
const defaultMetricsAddr = "127.0.0.1:9090"

// config is the environment the bot runs with (see the README's table).
type config struct {
	Addr string // ADDR
	// MetricsAddr is where /metrics is served, on a listener of its own
	// beside /healthz and /readyz (METRICS_ADDR; defaultMetricsAddr when
	// unset); "" serves no metrics ("off"). The webhook listener never
	// serves them.
	MetricsAddr string
	// StateInterval is how often each GREEN-API instance's state is read
	// (INSTANCE_STATE_INTERVAL; greenapi.DefaultStateInterval when 0);
	// negative for never ("off": the stateInstanceChanged webhooks alone
	// tell it).
	StateInterval time.Duration
	Region        string // DEFAULT_REGION
	Delivery      string // DELIVERY: sync (the default) or async
	Store         storeConfig
	Retry         retryConfig
	// AdminToken, when set, turns on the dead-letter routes under /admin/,
	// which want it as a Bearer token (ADMIN_TOKEN).
	AdminToken string
	WhatsApp   greenapiConfig
	MAX        greenapiConfig
	Telegram   greenapiConfig
	Aitu       aituConfig
}

// aituConfig is the Aitu bot (AITU_*). Without a token Aitu is played by a
// sandbox.
type aituConfig struct {
	APIURL, Token, WebhookSecret string
}

// greenapiConfig is one GREEN-API instance: WhatsApp (GREENAPI_*), MAX
// (MAX_*) or Telegram (TELEGRAM_*). Without an instance id the messenger is not served; with no
// credentials at all, the sandbox plays every messenger.
type greenapiConfig struct {
	APIURL, IDInstance, APIToken, WebhookToken string
	// ContactsRefresh is MAX_CONTACTS_REFRESH (MAX only): see
	// loadContactsRefresh.
	ContactsRefresh time.Duration
}

func (c greenapiConfig) sandboxed() bool { return c.IDInstance == "" }

// storeConfig is where the bot keeps its queue and dedup keys (STORE,
// STORE_PREFIX, STORE_LEASE).
type storeConfig struct {
	Kind     string        // memory, file or redis
	Path     string        // the file of file:PATH
	URL      string        // the redis:// or rediss:// URL
	Prefix   string        // STORE_PREFIX: the Redis key prefix
	LeaseTTL time.Duration // STORE_LEASE: the Redis partition lease
}

// Kinds of STORE.
const (
	storeMemory = "memory"
	storeFile   = "file"
	storeRedis  = "redis"
)

// retryConfig is async delivery's retries (MAX_ATTEMPTS, RETRY_WAIT).
type retryConfig struct {
	MaxAttempts int
	MinWait     time.Duration
}

// loadConfig reads the environment; it fails on a value it cannot use,
// naming the variable.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:        getenv("ADDR"),
		Region:      getenv("DEFAULT_REGION"),
		MetricsAddr: getenv("METRICS_ADDR"),
		Delivery:    getenv("DELIVERY"),
		AdminToken:  getenv("ADMIN_TOKEN"),
		WhatsApp: greenapiConfig{
			APIURL:       getenv("GREENAPI_API_URL"),
			IDInstance:   getenv("GREENAPI_ID_INSTANCE"),
			APIToken:     getenv("GREENAPI_API_TOKEN_INSTANCE"),
			WebhookToken: getenv("GREENAPI_WEBHOOK_TOKEN"),
		},
		MAX: greenapiConfig{
			APIURL:       getenv("MAX_API_URL"),
			IDInstance:   getenv("MAX_ID_INSTANCE"),
			APIToken:     getenv("MAX_API_TOKEN_INSTANCE"),
			WebhookToken: getenv("MAX_WEBHOOK_TOKEN"),
		},
		Telegram: greenapiConfig{
			APIURL:       getenv("TELEGRAM_API_URL"),
			IDInstance:   getenv("TELEGRAM_ID_INSTANCE"),
			APIToken:     getenv("TELEGRAM_API_TOKEN_INSTANCE"),
			WebhookToken: getenv("TELEGRAM_WEBHOOK_TOKEN"),
		},
		Aitu: aituConfig{
			APIURL:        getenv("AITU_API_URL"),
			Token:         getenv("AITU_BOT_TOKEN"),
			WebhookSecret: getenv("AITU_WEBHOOK_SECRET"),
		},
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	switch c.MetricsAddr {
	case "":
		c.MetricsAddr = defaultMetricsAddr
	case "off":
		c.MetricsAddr = ""
	}
	if v := getenv("INSTANCE_STATE_INTERVAL"); v == "off" {
		c.StateInterval = -1
	} else if v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < greenapi.MinStateInterval {
			return c, fmt.Errorf("INSTANCE_STATE_INTERVAL %q: want a duration of at least %s, such as 1m, or off", v, greenapi.MinStateInterval)
		}
		c.StateInterval = d
	}
	if c.Region == "" {
		c.Region = contactcard.DefaultRegion
	}
	if err := contactcard.CheckRegion(c.Region); err != nil {
		return c, fmt.Errorf("DEFAULT_REGION: %w", err)
	}
	switch c.Delivery {
	case "":
		c.Delivery = deliverySync
	case deliverySync, deliveryAsync:
	default:
		return c, fmt.Errorf("DELIVERY %q: want %s or %s", c.Delivery, deliverySync, deliveryAsync)
	}
	for _, g := range []struct {
		prefix string
		c      greenapiConfig
	}{{"GREENAPI_", c.WhatsApp}, {"MAX_", c.MAX}, {"TELEGRAM_", c.Telegram}} {
		if !g.c.sandboxed() && g.c.WebhookToken == "" {
			// Without it the route would take updates from anyone who
			// finds its URL.
			return c, fmt.Errorf("%sWEBHOOK_TOKEN is required with %sID_INSTANCE: set it to the instance's webhookUrlToken",
				g.prefix, g.prefix)
		}
	}
	var err error
	if c.Store, err = loadStore(getenv); err != nil {
		return c, err
	}
	if c.Retry, err = loadRetry(getenv); err != nil {
		return c, err
	}
	if c.MAX.ContactsRefresh, err = loadContactsRefresh(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// loadStore reads STORE, STORE_PREFIX and STORE_LEASE.
func loadStore(getenv func(string) string) (storeConfig, error) {
	s := storeConfig{Prefix: getenv("STORE_PREFIX")}
	v := getenv("STORE")
	switch {
	case v == "" || v == storeMemory:
		s.Kind = storeMemory
	case strings.HasPrefix(v, "file:"):
		s.Kind, s.Path = storeFile, strings.TrimPrefix(v, "file:")
		if s.Path == "" {
			return s, fmt.Errorf("STORE %q: want file:PATH, with the path of the file", v)
		}
	case strings.HasPrefix(v, "redis://"), strings.HasPrefix(v, "rediss://"):
		s.Kind, s.URL = storeRedis, v
	default:
		// The value may hold a password: it is not repeated.
		return s, fmt.Errorf("STORE: want memory, file:PATH, redis://… or rediss://…")
	}
	if lease := getenv("STORE_LEASE"); lease != "" {
		d, err := time.ParseDuration(lease)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("STORE_LEASE %q: want a duration such as 10s", lease)
		}
		s.LeaseTTL = d
	}
	return s, nil
}

// loadRetry reads MAX_ATTEMPTS and RETRY_WAIT.
func loadRetry(getenv func(string) string) (retryConfig, error) {
	var r retryConfig
	if v := getenv("MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return r, fmt.Errorf("MAX_ATTEMPTS %q: want a whole number of at least 1", v)
		}
		r.MaxAttempts = n
	}
	if v := getenv("RETRY_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return r, fmt.Errorf("RETRY_WAIT %q: want a duration such as 1s", v)
		}
		r.MinWait = d
	}
	return r, nil
}

// async reports whether the bot answers a webhook once its update is
// queued (DELIVERY=async) rather than once it was handled.
func (c config) async() bool { return c.Delivery == deliveryAsync }
