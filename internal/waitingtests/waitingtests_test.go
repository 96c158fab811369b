package waitingtests

import (
	"flag"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRaiseParallel: the limit becomes factor × GOMAXPROCS when the
// command line did not set it (as in this test binary's usual run); a
// factor of 1 or less leaves it.
func TestRaiseParallel(t *testing.T) {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if given {
		t.Skip("-parallel was given on the command line")
	}
	before := flag.Lookup("test.parallel").Value.String()
	t.Cleanup(func() { _ = flag.Set("test.parallel", before) })
	RaiseParallel(1)
	assert.Equal(t, before, flag.Lookup("test.parallel").Value.String())
	RaiseParallel(3)
	assert.Equal(t, strconv.Itoa(3*runtime.GOMAXPROCS(0)), flag.Lookup("test.parallel").Value.String())
}
