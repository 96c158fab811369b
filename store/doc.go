// Package store holds what a store of cardbot implements, apart from the
// bot's API, as database/sql/driver does for database/sql: the contracts
// of the bot's storage and their in-memory implementations.
//
// The contracts:
//
//   - Queue (with Entry, Delivery and DeadLetter) keeps the updates of
//     async delivery between the webhook and the handler; InProcess marks
//     a Queue that keeps them in this process only.
//   - DedupStore remembers which updates were handled (sync delivery).
//   - StateStore keeps the conversation state of chats (StateRecord),
//     written compare-and-set.
//   - SendLedger keeps the sends each handling made, so that a handling
//     run again does not send twice; LedgerSource is a store that has one.
//   - Locker grants named leases: a chat's conversation, a poller's
//     account.
//   - Pinger says whether a store answers, for readiness probes.
//
// MemoryQueue, MemoryDedupStore, MemoryStateStore, MemorySendLedger and
// MemoryLocker implement them in memory: what the bot uses when nothing
// else is configured, for development, tests and a single process. The
// packages store/boltstore (a file on one machine) and store/redisstore (a
// Redis server shared by instances) implement them durably, and
// store/storetest is the conformance suite every implementation must
// pass.
//
// A store needs nothing from package cardbot: errors that a later attempt
// may cure (ErrQueueFull, ErrInFlight, ErrStateConflict, a store's network
// errors) say so by a method Retryable() bool that returns true, which
// cardbot.IsRetryable looks for.
package store
