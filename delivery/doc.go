// Package delivery is async delivery for a cardbot.Bot: the webhook is
// answered as soon as the update is stored in a queue, and the bot's
// workers handle it from there.
//
//	q := db.Queue() // a durable queue: boltstore, redisstore; or store.NewMemoryQueue
//	b := cardbot.New(delivery.WithAsync(delivery.Config{Queue: q}))
//	defer b.Shutdown(ctx) // drains the queue
//
// The engine consumes the queue and handles the updates of one chat
// (provider and chat id) one at a time, in the order they were pushed, and
// those of different chats in parallel, at most Config.Concurrency at
// once. It holds at most Config.QueueSize updates taken from the queue and
// not done; a full in-memory queue makes Dispatch wait up to
// Config.QueueWait, then fail with store.ErrQueueFull, so the webhook answers
// 503. A handling that fails retryably is tried again after a wait that
// doubles (Config.MinRetryWait to Config.MaxRetryWait), up to
// Config.MaxAttempts times in all, while the later updates of its chat
// wait; then the update goes to the queue's dead letters and the error,
// wrapping cardbot.ErrDeadLettered, to the bot's error handler. The dead
// letters are the queue's: list, replay and drop them with its
// DeadLetters, Replay and DropDeadLetter methods (store.DeadLetterAdmin).
//
// A shared queue (redisstore) gives each partition of chats to one
// instance at a time, so the order of a chat holds across instances; an
// update whose partition is taken over while it runs is handled again by
// the new owner (store.Delivery.Owned).
//
// The bot is ready (cardbot.Bot.Ready, the component "queue") while the
// queue answers its ping and took the last update pushed to it; a failed
// push keeps it not ready until a push succeeds, or for PushFailureHold.
//
// What async delivery guarantees (at least once per update, the order of a
// chat, the sends a retry does not repeat) is the Delivery section of the
// cardbot package documentation. This package is the engine the root
// package knows only as a cardbot.Engine: the root imports no part of it.
package delivery
