// Package waitingtests serves the test packages whose tests spend their
// time waiting (for timeouts, leases, throwaway servers), not computing:
// more of them may run at once than there are cores.
package waitingtests

import (
	"flag"
	"runtime"
	"strconv"
)

// RaiseParallel sets go test's -parallel to factor times GOMAXPROCS,
// unless the command line gave -parallel. Call it from TestMain, before
// m.Run; it parses the command line's flags.
func RaiseParallel(factor int) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && factor > 1 {
		_ = flag.Set("test.parallel", strconv.Itoa(factor*runtime.GOMAXPROCS(0)))
	}
}
