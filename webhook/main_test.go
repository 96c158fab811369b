package webhook_test

import (
	"testing"

	"github.com/cardbot/cardbot/internal/waitingtests"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them. The
// tests spend their time waiting (for timeouts and slow clients), not
// computing: more of them run at once than there are cores, unless go
// test's -parallel says how many.
func TestMain(m *testing.M) {
	waitingtests.RaiseParallel(4)
	goleak.VerifyTestMain(m)
}
