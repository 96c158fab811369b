package cardbot

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// StateStore keeps the conversation state of chats: one StateRecord per
// key, which the bot makes of the chat (and user) by StateConfig.Scope.
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

	// Data is the conversation's data, JSON as SetData wrote it; nil for
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
func (rec StateRecord) empty() bool { return rec.State == "" && len(rec.Data) == 0 && rec.Update == "" }

// StateScope says whose conversation a state belongs to.
type StateScope uint8

// Scopes of state.
const (
	// ScopeChat keeps one state per chat: in a group, its members share
	// it. The default.
	ScopeChat StateScope = iota
	// ScopeUserInChat keeps one state per member of each chat: in a group
	// each member has a conversation of their own.
	ScopeUserInChat
	// ScopeUser keeps one state per user of a provider, whichever chat
	// they write in.
	ScopeUser
)

// Defaults of StateConfig.
const (
	// DefaultStateTTL is how long a state lasts after the last update
	// that changed it.
	DefaultStateTTL = 24 * time.Hour
	// DefaultStateLockTTL is how long the lease of a chat's state on a
	// shared Locker lasts: longer than any handling should take.
	DefaultStateLockTTL = time.Minute
	// DefaultStateLockWait is how long an update waits for its chat's
	// state while another update of the chat holds it.
	DefaultStateLockWait = 30 * time.Second
	// DefaultMaxStateData caps the JSON of a conversation's data: 64 KiB.
	DefaultMaxStateData = 64 << 10
)

// StateConfig configures conversation state (WithState).
type StateConfig struct {
	// Store keeps the records: NewMemoryStateStore() when nil (lost when
	// the process ends), or a durable one (boltstore, redisstore).
	Store StateStore

	// Scope says whose conversation a state is; ScopeChat by default.
	Scope StateScope

	// TTL is how long a record lasts after the last update that saved
	// it (DefaultStateTTL when zero); a negative TTL keeps records until
	// they are cleared.
	TTL time.Duration

	// Locker, when set, is shared by every instance that shares Store:
	// the bot then holds a lease per conversation (named "cardbot-state:"
	// and the key) while it handles an update, so that two instances never
	// run the handlers of one conversation at once. Without it the bot
	// serializes the conversation within its own process only, which is
	// enough for one instance, and for async delivery from a partitioned
	// queue (redisstore) with ScopeChat or ScopeUserInChat. See Bot.Dispatch.
	Locker Locker

	// LockTTL is the time to live of the Locker's lease
	// (DefaultStateLockTTL when zero or less). The bot renews the lease
	// every third of LockTTL while it handles the conversation's update;
	// when renewals fail for longer than LockTTL (the Locker unreachable,
	// the process stalled), another instance may take the conversation,
	// and then the compare-and-set of Save decides: the later save fails
	// with ErrStateConflict.
	LockTTL time.Duration

	// LockWait bounds the wait for a conversation another update holds
	// (DefaultStateLockWait when zero or less); then the update fails with
	// ErrChatBusy, which is retryable.
	LockWait time.Duration

	// MaxData caps the JSON of SetData (DefaultMaxStateData when zero or
	// less); a larger one fails with ErrStateTooLarge.
	MaxData int
}

// WithState turns conversation state on: each update loads the state of
// its conversation before it is routed, so that InState routes and
// Context.State see it, and saves what the handler changed once the
// handler returned nil. See StateConfig and Bot.Dispatch.
func WithState(cfg StateConfig) Option {
	return func(b *Bot) {
		if cfg.Store == nil {
			cfg.Store = NewMemoryStateStore()
		}
		switch {
		case cfg.TTL == 0:
			cfg.TTL = DefaultStateTTL
		case cfg.TTL < 0:
			cfg.TTL = 0
		}
		if cfg.LockTTL <= 0 {
			cfg.LockTTL = DefaultStateLockTTL
		}
		if cfg.LockWait <= 0 {
			cfg.LockWait = DefaultStateLockWait
		}
		if cfg.MaxData <= 0 {
			cfg.MaxData = DefaultMaxStateData
		}
		b.state = newStateKeeper(cfg)
	}
}

// Errors of conversation state.
var (
	// ErrStateConflict means a StateStore's Save found another version
	// than the one loaded: another handling saved the conversation
	// meanwhile (another instance without a shared Locker, or one whose
	// lease ran out). The update's state changes are dropped and the
	// update fails retryably, so it is handled again on the new state.
	ErrStateConflict error = &retryableSentinel{"cardbot: conversation state changed meanwhile"}

	// ErrChatBusy means an update waited StateConfig.LockWait for its
	// conversation, which another update held all along. Retryable.
	ErrChatBusy error = &retryableSentinel{"cardbot: conversation busy"}

	// ErrNoState means state was used on a bot without WithState, or on
	// an update without a conversation (no chat id, or no sender id for a
	// scope by user).
	ErrNoState = errors.New("cardbot: no conversation state for this update")

	// ErrStateTooLarge means SetData was given a value whose JSON is over
	// StateConfig.MaxData.
	ErrStateTooLarge = errors.New("cardbot: conversation data over the size cap")
)

// String returns the scope's name ("ScopeChat").
func (s StateScope) String() string {
	switch s {
	case ScopeChat:
		return "ScopeChat"
	case ScopeUserInChat:
		return "ScopeUserInChat"
	case ScopeUser:
		return "ScopeUser"
	}
	return "StateScope(" + strconv.Itoa(int(s)) + ")"
}
