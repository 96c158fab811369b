// Package boltstore is cardbot's embedded store on disk: one file, chosen
// by the user, on one machine, with no server, that survives kill -9 and
// restarts. It holds a store.Queue for durable async delivery, a
// store.DedupStore, a store.StateStore for conversations, and a
// store.Locker.
//
//	db, err := boltstore.Open("/var/lib/mybot/cardbot.db", boltstore.Options{})
//	if err != nil {
//		return err
//	}
//	defer db.Close()
//	queue, dedup := db.Queue(), db.DedupStore()
//
// # Why bbolt
//
// The file is a bbolt database (go.etcd.io/bbolt): a B+tree in a single
// file, in pure Go (no cgo, so the bot still cross-compiles to one static
// binary), with ACID transactions whose commit is fsync'd before it
// returns, and a lock on the file (flock) so that a second process cannot
// open it and corrupt it. Writers are serialized and readers never block;
// that is exactly the load of a bot's queue, a few hundred small writes a
// second at most.
//
// Also considered: SQLite, which needs cgo or a large pure-Go port, and
// SQL for what is a queue and two maps; Badger and Pebble, LSM engines
// that keep many files in a directory and run compactions in background
// goroutines, sized for far more data than the thousands of entries a bot
// holds at once; an append-only log of our own, which would have to do
// its own recovery, fsync discipline and compaction, all of which bbolt
// has tested for years.
//
// # Guarantees
//
//   - At least once per entry: an entry is delivered until it is
//     acknowledged (Ack) or dead lettered (DeadLetter).
//   - An entry whose Push returned is on disk: it survives kill -9 of the
//     process, a crash of the machine and a power loss (unless
//     Options.NoSync).
//   - An entry delivered and not ended when the process died is delivered
//     again after Open, before the later entries of its chat: Consume
//     always starts from the first entry stored, in push order.
//   - Ack, DeadLetter, Replay and DropDeadLetter are durable when they
//     return, like Push.
//   - Push deduplicates within Options.DedupTTL: its check and its mark are
//     in the transaction that stores the entry, so of two Pushes of one
//     key, even at once, exactly one stores it.
//
// What a crash can repeat: the handling of the entries that were delivered
// and not yet acknowledged (the handler ran, or part of it, but the Ack
// was not written). The DedupStore marks a key done only in End, after the
// handling, so it does not stop that repetition; it stops redeliveries by
// the provider of updates handled before.
//
// # Costs
//
// Each Push, Ack, DeadLetter, Replay and DropDeadLetter is one write
// transaction, so one commit, which bbolt makes durable with two
// fdatasyncs: one for the pages written, then one for the meta page that
// makes them current. So are a Begin of a new key and an End of the
// DedupStore. On an SSD a commit takes from a few hundred microseconds to
// a few milliseconds (0.45 ms on the machine of the benchmarks), and
// bbolt commits one transaction at a time, so commits bound the rate: an
// update delivered async costs two (Push and Ack), and one delivered sync
// with the DedupStore two (Begin and End), that is about a thousand
// updates a second on that machine, far more than a provider sends one
// bot. A duplicate Push, and a Begin of a key handled or in flight, cost a
// read transaction only (under a microsecond). Consume reads the entries
// in batches, in read transactions.
//
// A conversation's state costs a read transaction per update, and a
// write transaction (one commit) per update that changed it.
//
// Expired dedup marks and state records are deleted without a goroutine:
// each Push, Begin, End and state Save deletes up to a few of them in its
// own transaction, through an index by expiry, and Open deletes all of
// them. The package starts no goroutine at all.
//
// # A damaged file
//
// bbolt trusts its file: a truncated file, or one whose pages were
// damaged (a disk fault, a copy cut short, a write by another program),
// makes it panic or fault on a bad memory access, which crashes the whole
// process. So Open checks the file first, before bbolt follows any page:
// it reads each page in use once, with every offset bounded by the file's
// size (the meta pages, the freelist, the pages of every bucket and the
// order of their keys), then runs bbolt's own consistency check
// (tx.Check) on it. The check takes time in proportion to the file (a few
// milliseconds for a bot's store) and gives up after a minute. A file that
// fails it fails Open with an error wrapping ErrFormat that names the file
// and the damage, and says that the pending updates and dead letters in
// it are lost: the operator moves the file aside, and the next Open starts
// an empty store. The file is never repaired or deleted by Open.
//
// # One process
//
// A bbolt file is open in one process at a time: Open waits up to
// Options.OpenTimeout for the file's lock, then fails with ErrLocked. So
// the Locker holds its leases in memory, and several instances of a bot
// need a store that they can share (Redis), not this one.
package boltstore
