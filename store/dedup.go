package store

import (
	"context"
)

// DedupState is what a DedupStore knows of a key.
type DedupState uint8

// States of a dedup key.
const (
	// DedupNew means the key was neither handled nor in flight; Begin has
	// now marked it in flight.
	DedupNew DedupState = iota
	// DedupInFlight means another delivery of the key is being handled.
	DedupInFlight
	// DedupDone means the key was handled before.
	DedupDone
)

// DedupStore remembers which updates were handled, so that a redelivery is
// skipped. The keys it sees are the provider's name and cardbot.Update.Key joined
// by a zero byte. Sync delivery uses it; async delivery deduplicates in its
// Queue. An in-flight mark has a lease (DefaultInFlightLease in the stores
// of this module): when End never comes, the key is free again once the
// lease passes, so a process that died between Begin and End does not
// block the key for ever on a shared store. Implementations must be safe
// for concurrent use.
type DedupStore interface {
	// Begin marks key in flight and returns DedupNew, or returns the
	// state that keeps the update from being handled now.
	Begin(ctx context.Context, key string) (DedupState, error)

	// End clears the in-flight mark of a key Begin returned DedupNew for;
	// when handled is true, the key is remembered as done.
	End(ctx context.Context, key string, handled bool) error
}
