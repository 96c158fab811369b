package greenapi

import (
	"context"
	"net/http"
	"net/url"
)

// setSettingsRequest is the part of setSettings that points an instance's
// notifications at a route. Settings left out keep their values.
type setSettingsRequest struct {
	WebhookURL      string `json:"webhookUrl"`
	WebhookURLToken string `json:"webhookUrlToken"`
	IncomingWebhook string `json:"incomingWebhook,omitempty"`
}

type setSettingsResponse struct {
	SaveSettings bool `json:"saveSettings"`
}

// SetWebhook points the instance's webhook at webhookURL with setSettings:
// webhookUrl is webhookURL, webhookUrlToken is Config.WebhookToken (which
// GREEN-API then sends as "Authorization: Bearer …" and VerifyWebhook
// checks), and incomingWebhook is switched on, so that incoming messages
// come. It works alike on WhatsApp, MAX ("/v3") and Telegram instances.
// An empty webhookURL clears the webhook (and its token), as polling with
// a Poller requires.
//
// GREEN-API reboots the instance on setSettings and applies the settings
// within about 5 minutes; it takes one such call a second. A URL that is
// not an absolute http or https URL fails before any request with an
// error that wraps ErrValidation; no error quotes the URL, whose path may
// hold a secret, nor the token.
func (c *Client) SetWebhook(ctx context.Context, webhookURL string) error {
	req := setSettingsRequest{}
	if webhookURL != "" {
		u, err := url.Parse(webhookURL)
		switch {
		case err != nil:
			return invalid("setSettings: the webhook URL does not parse")
		case u.Scheme != "https" && u.Scheme != "http":
			return invalid("setSettings: the webhook URL must be http or https")
		case u.Host == "":
			return invalid("setSettings: the webhook URL has no host")
		}
		req = setSettingsRequest{WebhookURL: webhookURL, WebhookURLToken: c.cfg.WebhookToken, IncomingWebhook: "yes"}
	}
	r := c.apiRequest(http.MethodPost, "setSettings", req)
	var resp setSettingsResponse
	raw, err := c.callJSON(ctx, r, &resp)
	if err != nil {
		return err
	}
	if !resp.SaveSettings {
		return c.api.Unexpected(r.Method, raw)
	}
	return nil
}
