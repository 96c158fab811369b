package storetest_test

import (
	"os"
	"testing"

	"github.com/cardbot/cardbot/internal/waitingtests"
)

// TestMain lets more tests run at once than there are cores, unless go
// test's -parallel says how many: the suite's tests spend their time
// waiting (for leases and TTLs, and for the processes of
// TestSuiteCatchesBugs), not computing.
func TestMain(m *testing.M) {
	waitingtests.RaiseParallel(4)
	os.Exit(m.Run())
}
