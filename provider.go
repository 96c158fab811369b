package cardbot

import (
	"context"
	"encoding/json"
	"io"

	"github.com/cardbot/cardbot/contactcard"
)

// Provider is a messaging service the bot talks through: GREEN-API
// (WhatsApp, MAX), Aitu, or a fake in tests. Its decoder turns the
// service's webhooks or polled notifications into Updates and hands them to
// Bot.Dispatch; Send delivers replies.
//
// A Provider may also implement Downloader, RegionHinter and FileLimiter;
// the bot checks for them with a type assertion.
type Provider interface {
	// Name is the provider's name, unique within a bot ("greenapi").
	// Update.Provider and Bot.Send use it.
	Name() string

	// Send delivers out to the chat. Errors worth retrying later (429,
	// 5xx, network) should implement Retryable() bool returning true, so
	// that IsRetryable recognizes them.
	Send(ctx context.Context, chatID string, out Outgoing) (SentMessage, error)
}

// Downloader is implemented by providers that can fetch the file of a
// Document. Context.Contacts uses it to read .vcf uploads.
type Downloader interface {
	// Download opens the document's content; the caller closes it.
	Download(ctx context.Context, doc Document) (io.ReadCloser, error)
}

// RegionHinter is implemented by providers configured with a default phone
// region: the ISO 3166 region ("RU", "KZ") national numbers of their users
// are read in. It takes precedence over WithDefaultRegion; an empty result
// means no preference.
type RegionHinter interface {
	DefaultRegion() string
}

// SentMessage is what a provider reports about a message it sent.
type SentMessage struct {
	// ID is the provider's id of the new message.
	ID string
	// Raw is the provider's response, when it has one.
	Raw json.RawMessage
}

// Outgoing is a message to send: Text, Contact or File. The set is closed; the
// unexported method keeps other packages from adding kinds that providers
// would not know.
type Outgoing interface {
	outgoing()
}

// Text is an outgoing text message.
type Text struct {
	// Body is the text.
	Body string
	// ReplyTo is the id of a message to quote, or empty.
	ReplyTo string
}

// Contact is an outgoing contact card. Providers send the card's names and
// its PrimaryPhone, or the contact's account on their messenger
// (Card.Accounts) where they send contacts by account. A card with neither
// is refused before any request (ErrNoUsableNumber).
type Contact struct {
	// Card is the contact to send.
	Card contactcard.Card
	// ReplyTo is the id of a message to quote, or empty.
	ReplyTo string
}

func (Text) outgoing()    {}
func (Contact) outgoing() {}
