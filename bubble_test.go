package cardbot_test

import (
	"testing"
	"testing/synctest"
)

// inBubble runs f in a synctest bubble: its clock moves only when every
// goroutine of the bubble waits, so the waits f measures come out the
// same however loaded the machine is.
func inBubble(f func(t *testing.T)) func(t *testing.T) {
	return func(t *testing.T) { synctest.Test(t, f) }
}
