//go:build !race

package examplemod

// raceBuildFlags builds the copies without the race detector, as this
// test binary was: cardbot's packages and its dependencies are then in the
// build cache already.
var raceBuildFlags []string
