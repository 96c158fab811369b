package app

import (
	"fmt"

	"github.com/cardbot/cardbot/contactcard"
)

// Delivery modes of DELIVERY.
const (
	deliverySync  = "sync"
	deliveryAsync = "async"
)

// config is the environment the bot runs with (see the README's table).
type config struct {
	Addr     string // ADDR
	Region   string // DEFAULT_REGION
	Delivery string // DELIVERY: sync (the default) or async
	WhatsApp greenapiConfig
	MAX      greenapiConfig
	Aitu     aituConfig
}

// aituConfig is the Aitu bot (AITU_*). Without a token Aitu is played by a
// sandbox.
type aituConfig struct {
	APIURL, Token, WebhookSecret string
}

// greenapiConfig is one GREEN-API instance: WhatsApp (GREENAPI_*) or MAX
// (MAX_*). Without an instance id the messenger is played by a sandbox.
type greenapiConfig struct {
	APIURL, IDInstance, APIToken, WebhookToken string
}

func (c greenapiConfig) sandboxed() bool { return c.IDInstance == "" }

// loadConfig reads the environment; it fails on a DELIVERY that is neither
// sync nor async.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:     getenv("ADDR"),
		Region:   getenv("DEFAULT_REGION"),
		Delivery: getenv("DELIVERY"),
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
		Aitu: aituConfig{
			APIURL:        getenv("AITU_API_URL"),
			Token:         getenv("AITU_BOT_TOKEN"),
			WebhookSecret: getenv("AITU_WEBHOOK_SECRET"),
		},
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.Region == "" {
		c.Region = contactcard.DefaultRegion
	}
	switch c.Delivery {
	case "":
		c.Delivery = deliverySync
	case deliverySync, deliveryAsync:
	default:
		return c, fmt.Errorf("DELIVERY %q: want %s or %s", c.Delivery, deliverySync, deliveryAsync)
	}
	return c, nil
}

// async reports whether the bot answers a webhook once its update is
// queued (DELIVERY=async) rather than once it was handled.
func (c config) async() bool { return c.Delivery == deliveryAsync }
