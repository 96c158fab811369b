package sandbox

import (
	"net/http"

	"github.com/cardbot/cardbot/webhook"
)

// peer plays one messenger: it builds the webhooks the messenger would send
// for a user's message and records what the bot sent back.
type peer interface {
	// source is the provider client pointed at the fake.
	source() webhook.Source
	// chatID is the chat f writes in, as the provider writes it.
	chatID(f from) string
	// text, contact and vcf return the webhook body of a message: a text,
	// a shared contact (a vCard) or an uploaded .vcf file.
	text(f from, body string) []byte
	contact(f from, vcard []byte) []byte
	vcf(f from, name string, data []byte) []byte
	// authorize adds the webhook authentication the messenger sends.
	authorize(r *http.Request)
	// replies returns what the bot has sent so far.
	replies() []Reply
	// redact removes secrets from a request path before it is shown.
	redact(path string) string
	// isSend says whether a request to the API sends a message.
	isSend(r *http.Request) bool
	close()
}
