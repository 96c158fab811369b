// Package apidump writes the exported API of each public package of the
// module as plain text, one file per package under api/ at the module root,
// so that a change to the API shows in review as a diff someone meant.
//
// A package is public when its directory is not under internal/ or
// examples/ and its name is not main; the public test kits
// (store/storetest, provider/greenapi/greenapitest,
// provider/aitu/aitutest) are public API and are listed too. Each file
// holds signatures, not prose: constants, variables, functions, and types
// with their exported fields and methods, doc comments and unexported
// members left out, each section sorted by name, so the output does not
// depend on file order or formatting.
//
// TestAPIGolden compares the files in api/ with what Dump produces for the
// tree; after a deliberate API change, regenerate them with
//
//	go test ./internal/apidump -update
package apidump
