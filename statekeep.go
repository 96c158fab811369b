package cardbot

import (
	"context"
	"errors"
	"fmt"

	"github.com/cardbot/cardbot/internal/chatlock"
	"github.com/cardbot/cardbot/store"
)

// stateKeeper loads and saves the conversations of a bot, and serializes
// the handlings of each conversation (by its locks).
type stateKeeper struct {
	cfg   StateConfig
	locks *chatlock.Locks
}

func newStateKeeper(cfg StateConfig) *stateKeeper {
	return &stateKeeper{cfg: cfg, locks: chatlock.New(chatlock.Config{
		Locker: cfg.Locker, TTL: cfg.LockTTL, Wait: cfg.LockWait, Busy: ErrChatBusy,
	})}
}

// key returns the store key of u's conversation, "" when it has none.
func (k *stateKeeper) key(u *Update) string {
	switch k.cfg.Scope {
	case ScopeUserInChat:
		if u.Chat.ID == "" || u.Sender.ID == "" {
			return ""
		}
		return "m\x00" + u.Provider + "\x00" + u.Chat.ID + "\x00" + u.Sender.ID
	case ScopeUser:
		if u.Sender.ID == "" {
			return ""
		}
		return "u\x00" + u.Provider + "\x00" + u.Sender.ID
	default:
		if u.Chat.ID == "" {
			return ""
		}
		return "c\x00" + u.Provider + "\x00" + u.Chat.ID
	}
}

// serve handles c in its conversation: it holds the conversation, loads
// its record, runs the chain, and saves what the handler changed when it
// returned nil. owned is what the handling may save under: in async mode
// the delivery's Owned context (the update was handed to another consumer
// when it ended), in sync mode a context that never ends.
func (k *stateKeeper) serve(b *Bot, c *Context, owned context.Context) error {
	key := k.key(c.update)
	if key == "" {
		return b.call(c)
	}
	ctx := c.ctx
	h, err := k.locks.Hold(ctx, key)
	if err != nil {
		return err
	}
	defer k.locks.Release(ctx, h)
	defer k.locks.Keep(h, b.logger)() // stopped before the release
	rec, err := k.cfg.Store.Load(ctx, key)
	if err != nil {
		return Retryable(fmt.Errorf("cardbot: state store: load: %w", err))
	}
	if rec.Update != "" && rec.Update == c.update.Key {
		// Handled and saved before, and delivered again: a crash or a lost
		// acknowledgement between the save and the end of the delivery.
		return nil
	}
	c.convVal = conversation{keeper: k, rec: rec, state: rec.State, data: rec.Data}
	c.conv = &c.convVal
	if err := b.call(c); err != nil {
		return err // its changes are dropped
	}
	if !c.conv.dirty {
		return nil
	}
	if err := owned.Err(); err != nil {
		return Retryable(fmt.Errorf("cardbot: conversation state not saved, the update was handed on: %w", err))
	}
	next := store.StateRecord{State: c.conv.state, Data: c.conv.data, Version: rec.Version, Update: c.update.Key}
	sctx := ctx
	if ctx.Err() != nil {
		// The handler finished its work; its deadline passing since does
		// not undo it.
		sctx = context.WithoutCancel(ctx)
	}
	if _, err := k.cfg.Store.Save(sctx, key, next, k.cfg.TTL); err != nil {
		if errors.Is(err, store.ErrStateConflict) {
			return fmt.Errorf("cardbot: state store: save: %w", err) // retryable by ErrStateConflict
		}
		return Retryable(fmt.Errorf("cardbot: state store: save: %w", err))
	}
	return nil
}

// conversation is the state of an update's conversation while it is
// handled.
type conversation struct {
	keeper *stateKeeper
	rec    store.StateRecord // as loaded
	state  string
	data   []byte
	dirty  bool
	depth  int // of SetState calls from scene hooks
}
