// Package examplemod holds only a test: that the examples a user copies
// (examples/minimal, examples/contactbook and examples/forwarder) build in
// a module of the user's own, outside this repository, which reaches
// cardbot through a replace directive. A copy that imports one of
// cardbot's internal packages does not build there.
package examplemod
