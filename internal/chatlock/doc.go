// Package chatlock serializes the handlings of each conversation of a
// bot: within the process by a lock per conversation key, and across the
// instances that share a store.Locker by a lease on it, renewed while the
// handling runs. The root package's conversation state uses it; it knows
// nothing of updates or handlers.
package chatlock
