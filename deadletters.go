package cardbot

import (
	"context"

	"github.com/cardbot/cardbot/store"
)

// DeadLetters lists up to limit updates of the bot's queue that failed
// every attempt, oldest first. A sync bot has none: ErrNoQueue.
func (b *Bot) DeadLetters(ctx context.Context, limit int) ([]store.DeadLetter, error) {
	if b.eng == nil || b.eng.admin() == nil {
		return nil, ErrNoQueue
	}
	return b.eng.admin().DeadLetters(ctx, limit)
}

// Replay queues the dead letter id again, behind the updates of its chat
// that are queued now; it is handled as if the provider delivered it anew
// (its dedup key does not make it a duplicate). store.ErrNoDeadLetter when the
// queue has no such dead letter; ErrNoQueue on a sync bot.
func (b *Bot) Replay(ctx context.Context, id string) error {
	if b.eng == nil || b.eng.admin() == nil {
		return ErrNoQueue
	}
	return b.eng.admin().Replay(ctx, id)
}

// DropDeadLetter deletes the dead letter id. store.ErrNoDeadLetter when the
// queue has no such dead letter; ErrNoQueue on a sync bot.
func (b *Bot) DropDeadLetter(ctx context.Context, id string) error {
	if b.eng == nil || b.eng.admin() == nil {
		return ErrNoQueue
	}
	return b.eng.admin().DropDeadLetter(ctx, id)
}

// admin returns the queue's dead-letter admin, nil when it has none.
func (e *engine) admin() store.DeadLetterAdmin {
	a, _ := e.q.(store.DeadLetterAdmin)
	return a
}
