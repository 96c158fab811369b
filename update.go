package cardbot

import (
	"encoding/json"
	"path"
	"strings"
	"time"
)

// Kind is the kind of an update.
type Kind uint8

// Kinds of updates.
const (
	// KindOther is every update that is neither a message nor a status:
	// system events (instance state, calls, blocks, quota) and types the
	// provider's decoder does not know. Such updates keep their Raw JSON
	// and reach OnAny and predicates.
	KindOther Kind = iota
	// KindMessage is a message in a chat, incoming or outgoing; Message is
	// set.
	KindMessage
	// KindStatus is a status change of a message the bot or the account
	// sent (sent, delivered, read, failed); Status is set.
	KindStatus
)

// String returns "other", "message" or "status".
func (k Kind) String() string {
	switch k {
	case KindMessage:
		return "message"
	case KindStatus:
		return "status"
	default:
		return "other"
	}
}

// ChatKind says whether a chat is a private dialog, a group or a channel.
type ChatKind uint8

// Kinds of chats.
const (
	// ChatUnknown is a chat the provider did not say the kind of, or no
	// chat at all.
	ChatUnknown ChatKind = iota
	// ChatPrivate is a dialog with one user.
	ChatPrivate
	// ChatGroup is a group chat.
	ChatGroup
	// ChatChannel is a channel.
	ChatChannel
)

// String returns "unknown", "private", "group" or "channel".
func (k ChatKind) String() string {
	switch k {
	case ChatPrivate:
		return "private"
	case ChatGroup:
		return "group"
	case ChatChannel:
		return "channel"
	default:
		return "unknown"
	}
}

// Update is one event a provider delivered, in a provider-neutral form. A
// provider's decoder fills it; Raw keeps everything the provider sent, so
// nothing is lost for types the decoder does not know.
type Update struct {
	// Provider is the name of the provider that delivered the update
	// ("greenapi", "max", "aitu"). Dispatch sets it from Provider.Name when
	// it is empty.
	Provider string

	// Kind says which of Message and Status is set.
	Kind Kind

	// Key identifies the delivery for deduplication: two updates with the
	// same provider and Key are one event delivered twice. The decoder sets
	// it; an empty Key turns deduplication off for the update.
	Key string

	// Chat is where the event happened; its ID is empty for events outside
	// any chat.
	Chat Chat

	// Sender is who caused the event.
	Sender User

	// Message is set for KindMessage.
	Message *Message

	// Status is set for KindStatus.
	Status *Status

	// Time is when the provider says the event happened.
	Time time.Time

	// Raw is the provider's JSON for this update, as received.
	Raw json.RawMessage

	// Trace is the trace context of the delivery (W3C traceparent and
	// tracestate), when the bot has a Tracer: async delivery keeps it with
	// the queued update, so that the span of its handling, in this process
	// or another, joins the trace of the webhook that delivered it.
	Trace map[string]string
}

// Chat is a conversation: a private dialog, a group or a channel.
type Chat struct {
	// ID is the provider's chat id ("79001234567@c.us", "1203634@g.us").
	ID string
	// Kind is private, group or channel, when the provider says.
	Kind ChatKind
	// Title is the chat's name, when the provider sends one.
	Title string
}

// User is a person or bot account of a provider.
type User struct {
	// ID is the provider's user id.
	ID string
	// Name is the display name, when the provider sends one.
	Name string
	// Phone is the phone number as international digits, when the
	// provider reveals it.
	Phone string
}

// Message is the content of a KindMessage update.
type Message struct {
	// ID is the provider's message id; Reply quotes it.
	ID string

	// Type is the provider's name for the message type ("textMessage",
	// "contactMessage", "documentMessage", …).
	Type string

	// Text is the text of a text message or the caption of a file.
	Text string

	// Contacts are the contact cards of a contact message or a contacts
	// array; Context.Contacts parses them.
	Contacts []VCardRef

	// Document is the file of a document message.
	Document *Document

	// ReplyTo is the message this one quotes, or nil.
	ReplyTo *Quote

	// Forwarded is set when the message was forwarded from another chat.
	Forwarded bool

	// Outgoing is set for a message the account itself sent (from the
	// phone, or through the API: the bot's own replies, which providers
	// such as GREEN-API report too). Only Match routes and OnAny see
	// outgoing messages, so that a bot never answers itself.
	Outgoing bool
}

// VCardRef is one shared contact as the provider delivered it: a vCard, or
// for providers that send contacts as fields (Aitu) the names and a phone.
type VCardRef struct {
	// DisplayName is the name the messenger shows for the contact.
	DisplayName string
	// VCard is the vCard text, or empty when the provider sent fields.
	VCard string
	// FirstName and LastName are the names the provider sent as fields.
	FirstName, LastName string
	// Phone is the phone number the provider sent as a field, as written.
	Phone string
	// Accounts are the contact's accounts on the messenger, by messenger
	// (contactcard.MessengerMAX: its MAX chat id; contactcard.MessengerAitu:
	// its Aitu user id), for a contact who uses it. Context.Contacts puts
	// them on the cards it reads from this contact.
	Accounts map[string]string
}

// Document is a file attached to a message.
type Document struct {
	// ID is the provider's file id, for providers that download by id.
	ID string
	// FileName is the file's name as sent ("contacts.vcf").
	FileName string
	// MIMEType is the MIME type the provider reports ("text/x-vcard").
	MIMEType string
	// URL is where the provider serves the file, when it gives one.
	URL string
	// Size is the size in bytes, or 0 when unknown.
	Size int64
}

// IsVCard reports whether the document is a contact upload: its file name
// ends in .vcf or .vcard, or its MIME type is a vCard type (text/vcard,
// text/x-vcard, text/directory).
func (d Document) IsVCard() bool {
	switch strings.ToLower(path.Ext(d.FileName)) {
	case ".vcf", ".vcard":
		return true
	}
	mt, _, _ := strings.Cut(d.MIMEType, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "text/vcard", "text/x-vcard", "text/directory":
		return true
	}
	return false
}

// Quote is the message a reply quotes.
type Quote struct {
	// ID is the quoted message's id.
	ID string
	// Text is the quoted message's text, when the provider sends it.
	Text string
	// SenderID is the id of the quoted message's sender, when known.
	SenderID string
}

// Status is a status change of a sent message.
type Status struct {
	// MessageID is the id of the message whose status changed.
	MessageID string
	// Status is the provider's status name ("sent", "delivered", "read",
	// "failed", …).
	Status string
	// Description says why, for failures, when the provider says.
	Description string
}
