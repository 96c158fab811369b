package app

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// messenger is one messenger the bot serves with real credentials: its
// provider and the route its webhooks come to.
type messenger struct {
	name    string // "whatsapp", "max", "telegram", "aitu"
	path    string
	logPath string // path as logged: a secret in it is elided
	source  webhook.Source
	// pathIsSecret says that the route's path is what keeps strangers
	// out, not a credential the requests carry (Aitu): the route is
	// mounted with webhook.Config.AllowUnauthenticated.
	pathIsSecret bool
}

// messengers builds the messengers cfg has credentials for; none means
// sandbox mode.
func messengers(cfg config, log *slog.Logger) ([]messenger, error) {
	var ms []messenger
	if !cfg.WhatsApp.sandboxed() {
		m, err := greenapiMessenger("whatsapp", "/webhook/greenapi", greenapi.WhatsApp, cfg.WhatsApp, cfg.Region, log)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if !cfg.MAX.sandboxed() {
		m, err := greenapiMessenger("max", "/webhook/max", greenapi.MAX, cfg.MAX, cfg.Region, log)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if !cfg.Telegram.sandboxed() {
		m, err := greenapiMessenger("telegram", "/webhook/telegram", greenapi.Telegram, cfg.Telegram, cfg.Region, log)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if cfg.Aitu.Token != "" {
		m, err := aituMessenger(cfg.Aitu, log)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

func greenapiMessenger(name, path string, kind greenapi.Messenger, c greenapiConfig, region string, log *slog.Logger) (messenger, error) {
	client, err := greenapi.New(greenapi.Config{
		Messenger:        kind,
		APIURL:           c.APIURL,
		IDInstance:       c.IDInstance,
		APITokenInstance: c.APIToken,
		WebhookToken:     c.WebhookToken,
		DefaultRegion:    region,
		Logger:           log,
		// On MAX, a card whose number is not in the instance's contacts
		// goes back as a .vcf file rather than an apology.
		MAXContacts: greenapi.MAXContacts{AsFile: true, Refresh: c.ContactsRefresh},
	})
	if err != nil {
		return messenger{}, fmt.Errorf("%s: GREEN-API settings: %w", name, err)
	}
	return messenger{name: name, path: path, logPath: path, source: client}, nil
}

// watchStates reads the state of each GREEN-API instance at start and
// every interval (none when it is negative), so that /readyz and the
// gauges follow it; stop ends the reads.
func watchStates(ms []messenger, interval time.Duration) (stop func()) {
	var ws []*greenapi.StateWatcher
	for _, m := range ms {
		if interval < 0 {
			break
		}
		if c, ok := m.source.(*greenapi.Client); ok {
			ws = append(ws, c.WatchState(interval))
		}
	}
	return func() {
		for _, w := range ws {
			_ = w.Close()
		}
	}
}

// aituMessenger serves Aitu at /webhook/aitu/<secret>: Aitu signs nothing,
// so the route's unguessable last segment is what keeps strangers out (any
// other path answers 404).
func aituMessenger(c aituConfig, log *slog.Logger) (messenger, error) {
	if c.WebhookSecret == "" {
		return messenger{}, fmt.Errorf("aitu: AITU_WEBHOOK_SECRET is required with AITU_BOT_TOKEN")
	}
	client, err := aitu.New(aitu.Config{APIURL: c.APIURL, Token: c.Token, DefaultRegion: "KZ", Logger: log})
	if err != nil {
		return messenger{}, fmt.Errorf("aitu: settings: %w", err)
	}
	return messenger{name: "aitu", source: client, path: "/webhook/aitu/" + c.WebhookSecret,
		logPath: "/webhook/aitu/<AITU_WEBHOOK_SECRET>", pathIsSecret: true}, nil
}
