package store

import (
	"context"
	"time"
)

// StateStore keeps the conversation state of chats: one StateRecord per
// key, which the bot makes of the chat (and user) by cardbot.StateConfig.Scope.
// Writes are compare-and-set on the record's version, so that two bot
// instances that share a store can never overwrite each other's write
// unnoticed. Implementations must be safe for concurrent use. The package
// github.com/cardbot/cardbot/store/storetest holds the conformance suite
// (TestStateStore) that every StateStore must pass.
type StateStore interface {
	// Load returns the record stored under key; a zero StateRecord
	// (Version 0) when there is none or it expired. The caller must not
	// change the record's Data: a store may hand out what it keeps.
	Load(ctx context.Context, key string) (StateRecord, error)

	// Save stores rec under key when the version stored now is
	// rec.Version (0: no record), and returns the new version: a value
	// other than 0 that no earlier record of key had. A record with no
	// State, no Data and no Update deletes the key instead, and Save
	// returns 0. When
	// the stored version differs, Save stores nothing and returns an
	// error wrapping ErrStateConflict. ttl above zero makes the record
	// expire that long after the Save; zero or less keeps it until it is
	// saved again or deleted. The store may keep rec.Data: the caller must
	// not change it after the Save.
	Save(ctx context.Context, key string, rec StateRecord, ttl time.Duration) (uint64, error)
}

// StateRecord is what a StateStore keeps for one key.
type StateRecord struct {
	// State is the name of the conversation's state ("" for none).
	State string

	// Data is the conversation's data, JSON as cardbot.SetData wrote it; nil for
	// none.
	Data []byte

	// Version identifies the stored record; 0 for none. The store sets it
	// on Save.
	Version uint64

	// Update is the Key of the update whose handling saved the record
	// (its provider is the conversation's), or "" when it had none. The
	// bot does not run an update whose Key the loaded record holds: its
	// handling was done and saved, and this is a redelivery.
	Update string
}

// empty reports whether rec holds no state, no data and no update: saving
// it deletes the key.
func (rec StateRecord) empty() bool {
	return rec.State == "" && len(rec.Data) == 0 && rec.Update == ""
}

// ErrStateConflict means a StateStore's Save found another version than
// the one loaded: another handling saved the conversation meanwhile
// (another instance without a shared Locker, or one whose lease ran out).
// The bot drops the update's state changes and fails it retryably, so it
// is handled again on the new state.
var ErrStateConflict error = &retryable{"cardbot: conversation state changed meanwhile"}
