package aitu

import (
	"strings"

	"github.com/google/uuid"

	"github.com/cardbot/cardbot"
)

// Peer types: the "type" of an Aitu Peer.
const (
	PeerUser    = "USER"
	PeerGroup   = "GROUP"
	PeerChannel = "CHANNEL"
	PeerBot     = "BOT"
)

// Peer is a user, group, channel or bot as the Bot API writes it. Sending
// needs only Type and ID.
type Peer struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Name      string `json:"name,omitempty"`
}

// ChatID returns the chat id cardbot uses for an Aitu dialog:
// "<PEERTYPE>:<uuid>" ("USER:3f1c…", "GROUP:…", "CHANNEL:…"). Aitu
// addresses a dialog by its peer type and id together, and refuses a type
// that does not match the id, so the chat id carries both; Send needs no
// state to answer in the right kind of dialog.
func ChatID(peerType, id string) string {
	return strings.ToUpper(peerType) + ":" + id
}

// ParseChatID splits a chat id made by ChatID into its peer. The peer type
// is one of USER, GROUP and CHANNEL (in any case) and the id a UUID;
// anything else, including a bare UUID, is an error that wraps
// ErrValidation. A bare UUID is refused rather than taken as a user:
// a group's or channel's id looks the same, and Aitu would refuse the
// mismatch only after the request.
func ParseChatID(chatID string) (Peer, error) {
	t, id, ok := strings.Cut(strings.TrimSpace(chatID), ":")
	if !ok {
		if isUUID(chatID) {
			return Peer{}, invalid("chat id %q has no peer type: write %q (or GROUP:, CHANNEL:)", chatID, ChatID(PeerUser, chatID))
		}
		return Peer{}, invalid("chat id %q is not <PEERTYPE>:<uuid>", chatID)
	}
	t = strings.ToUpper(t)
	switch t {
	case PeerUser, PeerGroup, PeerChannel:
	case PeerBot:
		return Peer{}, invalid("chat id %q: Aitu does not let bots write to bots", chatID)
	default:
		return Peer{}, invalid("chat id %q: peer type %q is not USER, GROUP or CHANNEL", chatID, t)
	}
	if !isUUID(id) {
		return Peer{}, invalid("chat id %q: %q is not a UUID", chatID, id)
	}
	return Peer{Type: t, ID: id}, nil
}

// chatOf is the cardbot chat of a dialog peer.
func chatOf(p *Peer) cardbot.Chat {
	if p == nil || p.ID == "" {
		return cardbot.Chat{}
	}
	t := strings.ToUpper(p.Type)
	if t == "" {
		t = PeerUser
	}
	ch := cardbot.Chat{ID: ChatID(t, p.ID), Title: p.Name}
	switch t {
	case PeerUser, PeerBot:
		ch.Kind = cardbot.ChatPrivate
		if ch.Title == "" {
			ch.Title = p.displayName()
		}
	case PeerGroup:
		ch.Kind = cardbot.ChatGroup
	case PeerChannel:
		ch.Kind = cardbot.ChatChannel
	}
	return ch
}

// userOf is the cardbot user of a peer: its UUID and its name.
func userOf(p *Peer) cardbot.User {
	if p == nil {
		return cardbot.User{}
	}
	return cardbot.User{ID: p.ID, Name: p.displayName()}
}

// displayName is "First Last", else the name, else the username.
func (p *Peer) displayName() string {
	if n := strings.TrimSpace(p.FirstName + " " + p.LastName); n != "" {
		return n
	}
	if p.Name != "" {
		return p.Name
	}
	return p.Username
}

// isUUID reports whether s is a UUID in its canonical 36-character form,
// the only one Aitu writes.
func isUUID(s string) bool {
	return len(s) == 36 && uuid.Validate(s) == nil
}

// newUUID returns a new random (version 4) UUID.
func newUUID() string {
	return uuid.NewString()
}
