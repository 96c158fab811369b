package webhook

import (
	"net/http"

	"github.com/cardbot/cardbot"
)

// Source is a provider whose updates arrive as webhooks: it checks a
// request's authentication and decodes its body.
type Source interface {
	cardbot.Provider

	// VerifyWebhook returns an error when the request does not carry the
	// provider's webhook authentication; the route then answers 401. It
	// must compare secrets in constant time and never put them in the
	// error.
	VerifyWebhook(r *http.Request) error

	// DecodeWebhook turns a body into updates. An error that wraps
	// cardbot.ErrMisrouted (a body for another instance) answers 422; one
	// that wraps cardbot.ErrMalformedUpdate (or any other) answers 400; a
	// well-formed update of a type the decoder does not know is not an
	// error.
	DecodeWebhook(body []byte) ([]cardbot.Update, error)
}
