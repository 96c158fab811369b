package app

import (
	"fmt"
	"log/slog"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// messenger is one messenger the bot serves: its provider, the route its
// webhooks come to, and the sandbox that plays it when it has no
// credentials.
type messenger struct {
	name    string // "whatsapp", "max", "aitu": also the sandbox's route
	path    string
	logPath string // path as logged: a secret in it is elided
	source  webhook.Source
	sandbox peer // nil with real credentials
	// pathIsSecret says that the route's path is what keeps strangers
	// out, not a credential the requests carry (Aitu): the route is
	// mounted with webhook.Config.AllowUnauthenticated.
	pathIsSecret bool
}

func (m messenger) sandboxed() bool { return m.sandbox != nil }

// messengers builds every messenger of cfg; close ends their sandboxes.
func messengers(cfg config, log *slog.Logger) (ms []messenger, close func(), err error) {
	close = func() {
		for _, m := range ms {
			if m.sandbox != nil {
				m.sandbox.close()
			}
		}
	}
	for _, b := range []func(config, *slog.Logger) (messenger, error){whatsApp, maxMessenger, aituMessenger} {
		m, err := b(cfg, log)
		if err != nil {
			close()
			return nil, nil, err
		}
		ms = append(ms, m)
	}
	return ms, close, nil
}

func whatsApp(cfg config, log *slog.Logger) (messenger, error) {
	return greenapiMessenger("whatsapp", "/webhook/greenapi", greenapi.WhatsApp, cfg.WhatsApp, cfg.Region, log)
}

func maxMessenger(cfg config, log *slog.Logger) (messenger, error) {
	return greenapiMessenger("max", "/webhook/max", greenapi.MAX, cfg.MAX, cfg.Region, log)
}

func greenapiMessenger(name, path string, kind greenapi.Messenger, c greenapiConfig, region string, log *slog.Logger) (messenger, error) {
	gc := greenapi.Config{
		Messenger:        kind,
		APIURL:           c.APIURL,
		IDInstance:       c.IDInstance,
		APITokenInstance: c.APIToken,
		WebhookToken:     c.WebhookToken,
		DefaultRegion:    region,
		Logger:           log,
	}
	m := messenger{name: name, path: path, logPath: path}
	var sb *greenapiPeer
	if c.sandboxed() {
		sb = newGreenAPIPeer(name, kind, log)
		gc = sb.config(gc)
		m.sandbox = sb
	}
	client, err := greenapi.New(gc)
	if err != nil {
		if sb != nil {
			sb.close()
		}
		return messenger{}, fmt.Errorf("%s: GREEN-API settings: %w", name, err)
	}
	m.source = client
	return m, nil
}

// aituMessenger serves Aitu at /webhook/aitu/<secret>: Aitu signs nothing,
// so the route's unguessable last segment is what keeps strangers out (any
// other path answers 404). The sandbox makes up a secret when none is set.
func aituMessenger(cfg config, log *slog.Logger) (messenger, error) {
	c := cfg.Aitu
	ac := aitu.Config{BaseURL: c.APIURL, Token: c.Token, DefaultRegion: "KZ", Logger: log}
	m := messenger{name: "aitu"}
	var sb *aituPeer
	if c.Token == "" {
		sb = newAituPeer(log)
		ac = sb.config(ac)
		m.sandbox = sb
	}
	secret := c.WebhookSecret
	if secret == "" {
		if !m.sandboxed() {
			return messenger{}, fmt.Errorf("aitu: AITU_WEBHOOK_SECRET is required with AITU_BOT_TOKEN")
		}
		var err error
		if secret, err = aitu.NewWebhookSecret(); err != nil {
			sb.close()
			return messenger{}, fmt.Errorf("aitu: %w", err)
		}
	}
	client, err := aitu.New(ac)
	if err != nil {
		if sb != nil {
			sb.close()
		}
		return messenger{}, fmt.Errorf("aitu: settings: %w", err)
	}
	m.source, m.path, m.logPath = client, "/webhook/aitu/"+secret, "/webhook/aitu/<AITU_WEBHOOK_SECRET>"
	m.pathIsSecret = true
	return m, nil
}
