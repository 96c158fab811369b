package storetest

import "time"

// SetBaseBound sets how long the waits of the suite last, plus ten
// LeaseTTLs.
func SetBaseBound(d time.Duration) { baseBound = d }
