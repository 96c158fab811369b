package main

import "github.com/cardbot/cardbot/contactcard"

// config is the environment the bot runs with (see the README's table).
type config struct {
	Addr          string // ADDR
	Region        string // DEFAULT_REGION
	APIURL        string // GREENAPI_API_URL
	IDInstance    string // GREENAPI_ID_INSTANCE
	APIToken      string // GREENAPI_API_TOKEN_INSTANCE
	WebhookToken  string // GREENAPI_WEBHOOK_TOKEN
	WebhookPath   string
	SandboxActive bool // no GREENAPI_ID_INSTANCE: play GREEN-API on loopback
}

func loadConfig(getenv func(string) string) config {
	c := config{
		Addr:         getenv("ADDR"),
		Region:       getenv("DEFAULT_REGION"),
		APIURL:       getenv("GREENAPI_API_URL"),
		IDInstance:   getenv("GREENAPI_ID_INSTANCE"),
		APIToken:     getenv("GREENAPI_API_TOKEN_INSTANCE"),
		WebhookToken: getenv("GREENAPI_WEBHOOK_TOKEN"),
		WebhookPath:  "/webhook/greenapi",
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.Region == "" {
		c.Region = contactcard.DefaultRegion
	}
	c.SandboxActive = c.IDInstance == ""
	return c
}
