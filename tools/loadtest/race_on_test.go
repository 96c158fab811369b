//go:build race

package main

// raceBuildFlags builds the echobot with the race detector, as this test
// binary was: the build then finds its packages in the cache.
var raceBuildFlags = []string{"-race"}
