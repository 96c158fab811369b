package main

import "github.com/cardbot/cardbot/contactcard"

// config is the environment the bot runs with (see the README's table).
type config struct {
	Addr     string // ADDR
	Region   string // DEFAULT_REGION
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

func loadConfig(getenv func(string) string) config {
	c := config{
		Addr:   getenv("ADDR"),
		Region: getenv("DEFAULT_REGION"),
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
	return c
}
