package p

// WindowsOnly is left out: the dump is of a linux/amd64 build.
func WindowsOnly() {}
