package boltstore

import (
	"github.com/cardbot/cardbot/store"
)

// Locker is the store.Locker of a DB: a store.MemoryLocker. It holds
// its leases in memory, not in the file: a bbolt file is open in one
// process at a time (Open of a second one fails with ErrLocked), so every
// holder of a lease on the data of the DB is in this process anyway, and a
// lease is worth nothing after a restart. It works on after Close.
type Locker = store.MemoryLocker
