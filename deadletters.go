package cardbot

import "context"

// DeadLetters lists up to limit updates of the bot's queue that failed
// every attempt, oldest first. A sync bot has none: ErrNoQueue.
func (b *Bot) DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error) {
	if b.eng == nil {
		return nil, ErrNoQueue
	}
	return b.eng.q.DeadLetters(ctx, limit)
}

// Replay queues the dead letter id again, behind the updates of its chat
// that are queued now; it is handled as if the provider delivered it anew
// (its dedup key does not make it a duplicate). ErrNoDeadLetter when the
// queue has no such dead letter; ErrNoQueue on a sync bot.
func (b *Bot) Replay(ctx context.Context, id string) error {
	if b.eng == nil {
		return ErrNoQueue
	}
	return b.eng.q.Replay(ctx, id)
}

// DropDeadLetter deletes the dead letter id. ErrNoDeadLetter when the
// queue has no such dead letter; ErrNoQueue on a sync bot.
func (b *Bot) DropDeadLetter(ctx context.Context, id string) error {
	if b.eng == nil {
		return ErrNoQueue
	}
	return b.eng.q.DropDeadLetter(ctx, id)
}
