package cardbot

import (
	"encoding/json"
	"path"
	"strings"
	"time"
)

// UpdateKind is the kind of an update.
type UpdateKind uint8

// Kinds of updates.
const (
	// KindOther is every update that is neither a message nor a status:
	// system events (instance state, calls, blocks, quota) and types the
	// provider's decoder does not know. Such updates keep their Raw JSON
	// and reach OnAny and predicates.
	KindOther UpdateKind = iota
	// KindMessage is a message in a chat, incoming or outgoing; Message is
	// set.
	KindMessage
	// KindStatus is a status change of a message the bot or the account
	// sent (sent, delivered, read, failed); Status is set.
	KindStatus

	// The kinds below were added after the first three; their values
	// follow, so that stored updates keep their meaning. Each of them is
	// about a message sent before, not a new one: none reaches a Command,
	// a Pattern, a content route or OnMessage (see Bot.Handle).

	// KindEdit is the correction of a message sent before: Message is set,
	// with the new content (Text) and Message.Replaces, the id of the
	// message whose content it replaces. Route: OnEdited.
	KindEdit
	// KindDeletion is the deletion of a message sent before: Message is
	// set, with Message.Deletes, the id of the message removed. Route:
	// OnDeleted.
	KindDeletion
	// KindReaction is a reaction (an emoji) set on a message, or taken
	// back: Message is set, with Message.Reaction. Route: OnReaction.
	KindReaction
	// KindPollVote is a vote in a poll, or a vote taken back: Message is
	// set, with Message.PollVote. Route: OnPollVote.
	KindPollVote

	kindEnd
)

var kindNames = [kindEnd]string{"other", "message", "status", "edit", "deletion", "reaction", "poll vote"}

// String returns "other", "message", "status", "edit", "deletion",
// "reaction" or "poll vote"; "other" for an unknown value.
func (k UpdateKind) String() string {
	if k < kindEnd {
		return kindNames[k]
	}
	return "other"
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
	Kind UpdateKind

	// Key identifies the delivery for deduplication: two updates with the
	// same provider and Key are one event delivered twice. The decoder sets
	// it; an empty Key turns deduplication off for the update.
	Key string

	// Chat is where the event happened; its ID is empty for events outside
	// any chat.
	Chat Chat

	// Sender is who caused the event.
	Sender User

	// Message is set for KindMessage, and for the kinds about an earlier
	// message (KindEdit, KindDeletion, KindReaction, KindPollVote).
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

// Message is the content of a KindMessage update, and what an edit, a
// deletion, a reaction or a poll vote says about an earlier message. At
// most one of Contacts/Document, Location, Poll, Sticker, Button and Form
// is set for a new message; Reaction and PollVote for their kinds.
type Message struct {
	// ID is the provider's message id; Reply quotes it (for an edit, a
	// reaction or a vote, Reply quotes the message it is about instead).
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

	// FromMe is set for a message the account itself sent (from the
	// phone, or through the API: the bot's own replies, which providers
	// such as GREEN-API report too). Only Match routes and OnAny see
	// outgoing messages, so that a bot never answers itself.
	// It is encoded as "Outgoing", its name before v1.
	FromMe bool `json:"Outgoing"`

	// Replaces is, for an edit (KindEdit), the id of the message whose
	// content the edit replaces. ID is the id of the edit itself, which
	// differs on GREEN-API (a message may be edited several times) and is
	// the same on Aitu.
	Replaces string `json:",omitempty"`

	// Deletes is, for a deletion (KindDeletion), the id of the message
	// removed.
	Deletes string `json:",omitempty"`

	// Reaction is set for KindReaction.
	Reaction *Reaction `json:",omitempty"`

	// PollVote is set for KindPollVote.
	PollVote *PollVote `json:",omitempty"`

	// Location is the place of a location message. Route: OnLocation.
	Location *Location `json:",omitempty"`

	// Poll is the poll a poll message asks. Route: OnPoll.
	Poll *Poll `json:",omitempty"`

	// Sticker is the sticker of a sticker message; it is not a Document,
	// so OnDocument does not see it. Route: OnSticker.
	Sticker *Sticker `json:",omitempty"`

	// Button is the button a user pressed, or the list row or template
	// button a user chose. Route: OnButton.
	Button *Button `json:",omitempty"`

	// Form is an answer to a form the bot sent (Aitu). Route: OnForm.
	Form *Form `json:",omitempty"`
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
	// Phone is the phone number the provider sent as a field, as written;
	// a decoder that knows the provider sends international digits
	// without "+" (MAX, Aitu accounts) puts the "+" in front, so that the
	// number is read in its own country, not in the default region.
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

// Quote is the message a reply quotes. What the reply itself carries
// stays in its Message; what it quotes is here.
type Quote struct {
	// ID is the quoted message's id.
	ID string
	// Text is the quoted message's text, or a quoted file's caption, when
	// the provider sends it.
	Text string
	// SenderID is the id of the quoted message's sender, when known.
	SenderID string
	// Type is the provider's name for the quoted message's type
	// ("textMessage", "contactMessage", …), when the provider sends it.
	Type string `json:",omitempty"`
	// Contacts are the cards of a quoted contact or contacts array;
	// Context.QuotedContacts parses them.
	Contacts []VCardRef `json:",omitempty"`
}

// Status is a status change of a sent message.
type Status struct {
	// MessageID is the id of the message whose status changed.
	MessageID string
	// Name is the provider's status name ("sent", "delivered", "read",
	// "failed", …).
	// It is encoded as "Status", its name before v1.
	Name string `json:"Status"`
	// Description says why, for failures, when the provider says.
	Description string
}
