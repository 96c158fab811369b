package cardbot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/google/uuid"
)

// stateKeeper loads and saves the conversations of a bot, and serializes
// the handlings of each conversation.
type stateKeeper struct {
	cfg StateConfig
	id  string        // the bot's owner id on a shared Locker
	seq atomic.Uint64 // makes each holding's owner unique

	mu      sync.Mutex
	locks   map[string]*keyLock // conversations seen lately; those free are swept
	sweepAt int                 // sweep the free ones when len(locks) reaches it
}

// keyLock is the lock of one conversation within the process.
type keyLock struct {
	ch   chan struct{} // holds a token while the conversation is held
	refs int           // holders and waiters; guarded by stateKeeper.mu
}

func newStateKeeper(cfg StateConfig) *stateKeeper {
	return &stateKeeper{cfg: cfg, id: uuid.NewString(), locks: make(map[string]*keyLock), sweepAt: minSweep}
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

// holding is a conversation held by an update.
type holding struct {
	l     *keyLock
	lease string // the name of the lease on the shared Locker, "" for none
	owner string
}

// hold waits until the conversation key is free, within this process and
// on the shared Locker, and takes it; release gives it back.
func (k *stateKeeper) hold(ctx context.Context, key string) (holding, error) {
	k.mu.Lock()
	l := k.locks[key]
	if l == nil {
		// Kept after its update, so that the next update of a busy chat
		// finds it: a map insert and delete per update cost more than
		// the sweep.
		if len(k.locks) >= k.sweepAt {
			k.sweep()
		}
		l = &keyLock{ch: make(chan struct{}, 1)}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()

	h := holding{l: l}
	var wait *time.Timer // started at the first wait, so that a free conversation costs none
	defer func() {
		if wait != nil {
			wait.Stop()
		}
	}()
	select {
	case l.ch <- struct{}{}:
	default:
		wait = time.NewTimer(k.cfg.LockWait)
		select {
		case l.ch <- struct{}{}:
		case <-wait.C:
			k.drop(l, false)
			return holding{}, fmt.Errorf("%w: waited %v", ErrChatBusy, k.cfg.LockWait)
		case <-ctx.Done():
			k.drop(l, false)
			return holding{}, fmt.Errorf("cardbot: waiting for the conversation: %w", ctx.Err())
		}
	}
	if k.cfg.Locker == nil {
		return h, nil
	}
	h.lease, h.owner = "cardbot-state:"+key, k.id+":"+strconv.FormatUint(k.seq.Add(1), 10)
	if err := k.takeLease(ctx, h.lease, h.owner, wait); err != nil {
		k.drop(l, true)
		return holding{}, err
	}
	return h, nil
}

// release gives back what hold took; ctx may have ended.
func (k *stateKeeper) release(ctx context.Context, h holding) {
	if h.lease != "" {
		_ = k.cfg.Locker.Release(context.WithoutCancel(ctx), h.lease, h.owner)
	}
	k.drop(h.l, true)
}

// takeLease takes the lease name on the shared Locker for owner, trying
// again with growing pauses until LockWait (counted from the first wait,
// when there was one) has passed.
func (k *stateKeeper) takeLease(ctx context.Context, name, owner string, wait *time.Timer) error {
	pause := 2 * time.Millisecond
	for {
		ok, err := k.cfg.Locker.Acquire(ctx, name, owner, k.cfg.LockTTL)
		if err != nil {
			return Retryable(fmt.Errorf("cardbot: state locker: %w", err))
		}
		if ok {
			return nil
		}
		if wait == nil {
			wait = time.NewTimer(k.cfg.LockWait)
			defer wait.Stop()
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-wait.C:
			t.Stop()
			return fmt.Errorf("%w: waited %v for the lease of another instance", ErrChatBusy, k.cfg.LockWait)
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("cardbot: waiting for the conversation: %w", ctx.Err())
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// drop gives l back, after taking its token when held.
func (k *stateKeeper) drop(l *keyLock, held bool) {
	if held {
		<-l.ch
	}
	k.mu.Lock()
	l.refs--
	k.mu.Unlock()
}

// minSweep is the fewest conversation locks kept before a sweep.
const minSweep = 4096

// sweep deletes the locks that no update holds or waits for; k.mu is
// held. The next sweep comes when the map has doubled, so each lock costs
// its sweep once.
func (k *stateKeeper) sweep() {
	for key, l := range k.locks {
		if l.refs == 0 {
			delete(k.locks, key)
		}
	}
	k.sweepAt = max(2*len(k.locks), minSweep)
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
	h, err := k.hold(ctx, key)
	if err != nil {
		return err
	}
	defer k.release(ctx, h)
	if h.lease != "" {
		defer k.keepLease(b.logger, h.lease, h.owner)() // stopped before the release
	}
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
