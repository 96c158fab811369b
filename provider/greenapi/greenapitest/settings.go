package greenapitest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// Settings are the instance settings setSettings changed: what a bot's
// SetWebhook sent.
type Settings struct {
	// WebhookURL is webhookUrl: where GREEN-API posts notifications; empty
	// for polling.
	WebhookURL string
	// WebhookURLToken is webhookUrlToken, the token GREEN-API sends as
	// "Authorization: Bearer …".
	WebhookURLToken string
	// Switches are the other settings set, by name ("incomingWebhook":
	// "yes").
	Switches map[string]string
	// Calls counts the setSettings calls the server accepted.
	Calls int
}

// switchSettings are the setSettings fields that take "yes" or "no".
var switchSettings = []string{
	"deletedMessageWebhook", "deviceWebhook", "editedMessageWebhook", "incomingBlockWebhook",
	"incomingCallWebhook", "incomingWebhook", "markIncomingMessagesReaded", "markIncomingMessagesReadedOnReply",
	"outgoingAPIMessageWebhook", "outgoingMessageWebhook", "outgoingWebhook", "pollMessageWebhook", "stateWebhook",
}

// Settings returns the settings setSettings set so far.
func (s *Server) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.settings
	out.Switches = make(map[string]string, len(s.settings.Switches))
	for k, v := range s.settings.Switches {
		out.Switches[k] = v
	}
	return out
}

// setSettings checks and records setSettings: webhookUrl an absolute http
// or https URL or empty, webhookUrlToken a string, the switches "yes" or
// "no"; another field is refused. It answers {"saveSettings":true}.
func (s *Server) setSettings(_ *http.Request, body []byte, _ *Call) answer {
	m, bad := s.object(body)
	if bad != nil {
		return *bad
	}
	next := Settings{Switches: map[string]string{}}
	for k := range m {
		switch {
		case k == "webhookUrl", k == "webhookUrlToken", k == "delaySendMessagesMilliseconds":
		case slices.Contains(switchSettings, k):
			v, _, ok := str(m, k)
			if !ok || (v != "yes" && v != "no") {
				return s.invalid("'" + k + "' must be 'yes' or 'no'")
			}
			next.Switches[k] = v
		default:
			return s.invalid("'" + k + "' is not a setting")
		}
	}
	hook, present, ok := str(m, "webhookUrl")
	if !ok {
		return s.invalid("'webhookUrl' must be a string")
	}
	if hook != "" {
		u, err := url.Parse(hook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return s.invalid("'webhookUrl' must be an http or https URL")
		}
	}
	tok, tokPresent, ok := str(m, "webhookUrlToken")
	if !ok {
		return s.invalid("'webhookUrlToken' must be a string")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if present {
		s.settings.WebhookURL = hook
	}
	if tokPresent {
		s.settings.WebhookURLToken = tok
	}
	if s.settings.Switches == nil {
		s.settings.Switches = map[string]string{}
	}
	for k, v := range next.Switches {
		s.settings.Switches[k] = v
	}
	s.settings.Calls++
	return jsonAnswer(http.StatusOK, map[string]bool{"saveSettings": true})
}

// getSettings answers the settings set so far.
func (s *Server) getSettings(*http.Request, []byte, *Call) answer {
	st := s.Settings()
	out := map[string]any{"wid": "", "webhookUrl": st.WebhookURL, "webhookUrlToken": st.WebhookURLToken}
	for k, v := range st.Switches {
		out[k] = v
	}
	raw, _ := json.Marshal(out)
	return answer{Status: http.StatusOK, Body: raw, ContentType: fakeapi.ContentJSON}
}
