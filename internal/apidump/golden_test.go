package apidump

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the api/ golden files from the tree")

// modulePath is the import path of the module the goldens describe.
const modulePath = "github.com/cardbot/cardbot"

// moduleRoot is the module root seen from this package's directory, where
// go test runs.
const moduleRoot = "../.."

// TestAPIGolden fails when the exported API of a public package differs from
// its file in api/, or when a file in api/ names no package any more. An
// API change is then a diff in review, made on purpose with -update.
func TestAPIGolden(t *testing.T) {
	got, err := Generate(moduleRoot, modulePath)
	require.NoError(t, err)
	dir := filepath.Join(moduleRoot, "api")
	if *update {
		require.NoError(t, Write(dir, got))
		return
	}
	const fix = "if the change is meant, run: go test ./internal/apidump -update"
	for _, name := range slices.Sorted(maps.Keys(got)) {
		text := got[name]
		want, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			t.Errorf("api/%s is missing; %s", name, fix)
			continue
		}
		require.NoError(t, err)
		if d := Diff(string(want), text); d != "" {
			t.Errorf("exported API differs from api/%s (- golden, + tree):\n%s%s", name, d, fix)
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if _, ok := got[e.Name()]; !ok && strings.HasSuffix(e.Name(), ".txt") {
			t.Errorf("api/%s names no public package; %s", e.Name(), fix)
		}
	}
}
