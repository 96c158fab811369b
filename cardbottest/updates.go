package cardbottest

import (
	"time"

	"github.com/cardbot/cardbot"
)

// The defaults of the updates the builders make.
const (
	// ChatID is the chat id of a built update, a private chat with
	// UserID.
	ChatID = "chat-1"
	// UserID is the sender's id of a built update.
	UserID = "user-1"
	// UserName is the sender's display name of a built update.
	UserName = "Ann"
	// MessageID is the id of a built update's message.
	MessageID = "msg-1"
	// EarlierID is the id of the earlier message that an edit, a deletion,
	// a reaction, a poll vote or a button press of a built update is
	// about.
	EarlierID = "msg-0"
)

// UpdateOption changes an update a builder made.
type UpdateOption func(*cardbot.Update)

// WithKey sets the update's Key, which turns deduplication (and the send
// ledger) on for it: two updates with the same Key are one event delivered
// twice. The builders leave Key empty.
func WithKey(key string) UpdateOption { return func(u *cardbot.Update) { u.Key = key } }

// WithChat sets the update's chat.
func WithChat(c cardbot.Chat) UpdateOption { return func(u *cardbot.Update) { u.Chat = c } }

// WithSender sets who caused the update.
func WithSender(s cardbot.User) UpdateOption { return func(u *cardbot.Update) { u.Sender = s } }

// WithProvider sets the update's Provider; Bot.Dispatch sets it from the
// provider's name when it is empty, as the builders leave it.
func WithProvider(name string) UpdateOption { return func(u *cardbot.Update) { u.Provider = name } }

// WithMessageID sets the id of the update's message.
func WithMessageID(id string) UpdateOption {
	return func(u *cardbot.Update) {
		if u.Message != nil {
			u.Message.ID = id
		}
	}
}

// WithTime sets when the update happened.
func WithTime(t time.Time) UpdateOption { return func(u *cardbot.Update) { u.Time = t } }

// WithRaw sets the provider's JSON of the update.
func WithRaw(raw []byte) UpdateOption { return func(u *cardbot.Update) { u.Raw = raw } }

// WithReplyTo makes the update's message quote q.
func WithReplyTo(q cardbot.Quote) UpdateOption {
	return func(u *cardbot.Update) {
		if u.Message != nil {
			u.Message.ReplyTo = &q
		}
	}
}

// build makes an update of kind in ChatID from UserID with m as its message,
// then applies opts.
func build(kind cardbot.UpdateKind, m *cardbot.Message, opts []UpdateOption) cardbot.Update {
	if m != nil && m.ID == "" {
		m.ID = MessageID
	}
	u := cardbot.Update{
		Kind:    kind,
		Chat:    cardbot.Chat{ID: ChatID, Kind: cardbot.ChatPrivate},
		Sender:  cardbot.User{ID: UserID, Name: UserName},
		Message: m,
	}
	for _, o := range opts {
		o(&u)
	}
	return u
}

// Text returns a new text message.
func Text(text string, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindMessage, &cardbot.Message{Type: "textMessage", Text: text}, opts)
}

// Contact returns a new message that shares one contact card, as vCard
// text.
func Contact(vcard string, opts ...UpdateOption) cardbot.Update {
	return Contacts([]cardbot.VCardRef{{VCard: vcard}}, opts...)
}

// Contacts returns a new message that shares the contacts refs.
func Contacts(refs []cardbot.VCardRef, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindMessage, &cardbot.Message{Type: "contactMessage", Contacts: refs}, opts)
}

// Document returns a new message with the file doc; a Provider serves its
// content when it was given to AddFile under doc.FileName.
func Document(doc cardbot.Document, caption string, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindMessage, &cardbot.Message{Type: "documentMessage", Text: caption, Document: &doc}, opts)
}

// Location returns a new message that shares a place.
func Location(loc cardbot.Location, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindMessage, &cardbot.Message{Type: "locationMessage", Location: &loc}, opts)
}

// Poll returns a new message that asks a poll.
func Poll(p cardbot.Poll, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindMessage, &cardbot.Message{Type: "pollMessage", Poll: &p}, opts)
}

// Sticker returns a new message with a sticker.
func Sticker(s cardbot.Sticker, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindMessage, &cardbot.Message{Type: "stickerMessage", Sticker: &s}, opts)
}

// ButtonPress returns a user's press of the button id, labelled label, of
// the message EarlierID.
func ButtonPress(id, label string, opts ...UpdateOption) cardbot.Update {
	b := cardbot.Button{ID: id, Label: label, MessageID: EarlierID}
	return build(cardbot.KindMessage, &cardbot.Message{Type: "buttonsResponseMessage", Text: label, Button: &b}, opts)
}

// Form returns a user's action on the form id: cardbot.FormSubmitted,
// FormClosed or FormMessageSent.
func Form(id, action string, opts ...UpdateOption) cardbot.Update {
	f := cardbot.Form{ID: id, Action: action}
	return build(cardbot.KindMessage, &cardbot.Message{Type: "formMessage", Form: &f}, opts)
}

// Edit returns the correction of the message EarlierID to the text text.
func Edit(text string, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindEdit, &cardbot.Message{Type: "editedMessage", Text: text, Replaces: EarlierID}, opts)
}

// Deletion returns the deletion of the message EarlierID.
func Deletion(opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindDeletion, &cardbot.Message{Type: "deletedMessage", Deletes: EarlierID}, opts)
}

// Reaction returns the reaction emoji on the message EarlierID; "" takes a
// reaction back.
func Reaction(emoji string, opts ...UpdateOption) cardbot.Update {
	r := cardbot.Reaction{MessageID: EarlierID, Emoji: emoji}
	return build(cardbot.KindReaction, &cardbot.Message{Type: "reactionMessage", Reaction: &r}, opts)
}

// PollVote returns a vote for the options chosen in the poll of the
// message EarlierID, which asks question; no options take the vote back.
func PollVote(question string, chosen []string, opts ...UpdateOption) cardbot.Update {
	v := cardbot.PollVote{PollID: EarlierID, Question: question, Chosen: chosen}
	return build(cardbot.KindPollVote, &cardbot.Message{Type: "pollUpdateMessage", PollVote: &v}, opts)
}

// Status returns a status change of the message EarlierID ("delivered",
// "read", "failed").
func Status(status string, opts ...UpdateOption) cardbot.Update {
	u := build(cardbot.KindStatus, nil, opts)
	u.Status = &cardbot.Status{MessageID: EarlierID, Name: status}
	return u
}

// Event returns a system event (cardbot.KindOther) with the provider's
// JSON raw: an instance's state change, a call.
func Event(raw []byte, opts ...UpdateOption) cardbot.Update {
	return build(cardbot.KindOther, nil, append([]UpdateOption{WithRaw(raw)}, opts...))
}
