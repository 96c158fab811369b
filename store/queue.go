package store

import (
	"context"
	"errors"
	"hash/fnv"
	"time"
)

// A Queue stores the updates of async delivery (delivery.WithAsync) between the
// webhook that brought them and the handler that handles them. The bot
// pushes each update once it is taken, and the webhook answers 200 once
// Push returned; the bot consumes the queue, handles each entry, and then
// acknowledges it, retries it, or moves it to the dead letters.
//
// What a Queue promises decides what async delivery promises:
//
//   - Push returns only once the entry is stored as durably as the Queue
//     stores anything: in memory (MemoryQueue), on disk (boltstore), or on
//     a Redis server (redisstore).
//   - Push deduplicates: an entry whose Key was pushed before, within the
//     Queue's dedup window, is not stored again and Push reports false.
//   - Consume delivers each entry stored and not yet acknowledged or dead
//     lettered, the entries of one chat (Provider and ChatID) in the order
//     they were pushed. An entry delivered and never acknowledged (its
//     consumer crashed, or lost its lease) is delivered again, before the
//     later entries of its chat. So delivery is at least once per entry.
//   - Ack and DeadLetter end an entry: it is not delivered again.
//
// Implementations must be safe for concurrent use. The package
// github.com/cardbot/cardbot/store/storetest holds the conformance suite
// that every Queue must pass.
type Queue interface {
	// Push stores e and reports true, or reports false when an entry with
	// the same Provider and Key (a non-empty Key) was pushed before within
	// the dedup window. The Queue gives each stored entry its ID. An error
	// means e may not be stored and the update should be delivered again
	// (the webhook answers 503): ErrInFlight when the same key is being
	// pushed right now, ErrQueueFull when a bounded queue has no room.
	Push(ctx context.Context, e Entry) (bool, error)

	// Consume hands the stored entries to deliver until ctx ends. One
	// Consume runs per Queue value at a time; after it returned an error
	// it may be called again, and the entries it delivered that are still
	// held stay held: they are ended as usual. deliver may be called from
	// several goroutines at once, and may block to hold back a consumer
	// that is ahead. The entries of one chat reach it in order: an entry's
	// deliver starts only after the deliver of its chat's previous entry
	// returned. Later entries are delivered while earlier ones are held.
	//
	// When ctx ends, Consume stops fetching new entries (a Queue that
	// keeps nothing across restarts, MemoryQueue, first delivers what it
	// holds, since nothing else could), waits until every entry it
	// delivered is ended by Ack, DeadLetter or Release, keeping its leases
	// meanwhile, then gives up its leases and returns nil. It returns an
	// error only for a lasting failure of its store.
	//
	// Each delivery is ended exactly once, by the consumer it was
	// delivered to; ending one twice is a misuse whose effect is
	// undefined. A delivery whose Owned ended may still be ended; a Queue
	// may ignore that.
	Consume(ctx context.Context, deliver func(Delivery)) error

	// Ack ends an entry that was handled (or failed for good): it is not
	// delivered again.
	Ack(ctx context.Context, d Delivery) error

	// Release gives back an entry that was delivered and will not be
	// handled now (the bot is shutting down): it is delivered again, to
	// this consumer or another one, before the later entries of its chat
	// (but one: Consume may have fetched the next one already).
	Release(ctx context.Context, d Delivery) error

	// DeadLetter ends an entry whose handling failed every attempt: it is
	// moved to the dead letters with reason, where a DeadLetterAdmin lists
	// it and can push it again.
	DeadLetter(ctx context.Context, d Delivery, reason string) error
}

// A DeadLetterAdmin lists, replays and drops the dead letters of a Queue:
// what an operator's tools use, apart from what the bot consumes. The
// Queues of this module implement it.
type DeadLetterAdmin interface {
	// DeadLetters lists up to limit dead letters, oldest first; none for
	// a limit of zero or less.
	DeadLetters(ctx context.Context, limit int) ([]DeadLetter, error)

	// Replay moves the dead letter id back to the queue, behind the
	// entries of its chat that are queued now; ErrNoDeadLetter when there
	// is no such dead letter. Its Key does not make it a duplicate.
	Replay(ctx context.Context, id string) error

	// DropDeadLetter deletes the dead letter id; ErrNoDeadLetter when
	// there is none.
	DropDeadLetter(ctx context.Context, id string) error
}

// Entry is one update in a Queue.
type Entry struct {
	// ID identifies the entry in its Queue; the Queue sets it when it
	// delivers the entry.
	ID string

	// Provider and ChatID name the chat: entries of one chat are delivered
	// in order. Partitioned queues place an entry by Partition(Provider,
	// ChatID).
	Provider, ChatID string

	// Key is the update's dedup key (cardbot.Update.Key), or empty for none.
	Key string

	// Update is the update, encoded by the bot (cardbot.EncodeUpdate).
	// Queues store it as it is. The bot leaves it nil when it pushes to an
	// InProcess queue, and sets it before it dead letters an entry.
	Update []byte

	// Value is the update as the bot holds it in memory. An InProcess
	// queue hands it back as it was pushed, so that the bot need not
	// encode and decode it; other queues ignore it.
	Value any

	// Pushed is when the entry was pushed.
	Pushed time.Time
}

// InProcess is implemented by a Queue that keeps its entries in this
// process's memory only, as MemoryQueue does: what it holds is lost with
// the process, so the bot handles what it holds before a graceful
// shutdown ends, rather than leaving it for the next start. Such a queue
// passes Entry.Value through Consume unchanged and needs no Entry.Update
// but in DeadLetter.
type InProcess interface {
	Queue

	// InProcess marks the queue; it does nothing.
	InProcess()
}

// Delivery is an entry as Consume delivers it.
type Delivery struct {
	Entry

	// Owned ends when the consumer no longer owns the entry: a queue shared
	// by several consumers gave its partition to another one (the lease was
	// lost). The bot then starts no handling of it, and the handling that
	// runs is cancelled. nil means owned for as long as Consume runs.
	Owned context.Context
}

// DeadLetter is an entry whose handling failed every attempt.
type DeadLetter struct {
	Entry

	// Reason is the error of the last attempt.
	Reason string

	// Failed is when the entry was dead lettered.
	Failed time.Time
}

// ErrNoDeadLetter means Replay or DropDeadLetter named a dead letter the
// queue does not have.
var ErrNoDeadLetter = errors.New("cardbot: no such dead letter")

// Partition returns the partition of the chat (provider, chatID) among n:
// the FNV-1a hash of both, modulo n. Partitioned queues use it so that
// every instance agrees where a chat's entries go.
func Partition(provider, chatID string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(provider))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(chatID))
	return int(h.Sum32() % uint32(n))
}
