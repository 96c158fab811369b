package cardbot

import (
	"errors"
	"strconv"
	"time"

	"github.com/cardbot/cardbot/store"
)

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
	// Store keeps the records: store.NewMemoryStateStore() when nil (lost when
	// the process ends), or a durable one (boltstore, redisstore).
	Store store.StateStore

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
	Locker store.Locker

	// LockTTL is the time to live of the Locker's lease
	// (DefaultStateLockTTL when zero or less). The bot renews the lease
	// every third of LockTTL while it handles the conversation's update;
	// when renewals fail for longer than LockTTL (the Locker unreachable,
	// the process stalled), another instance may take the conversation,
	// and then the compare-and-set of Save decides: the later save fails
	// with store.ErrStateConflict.
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
			cfg.Store = store.NewMemoryStateStore()
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
