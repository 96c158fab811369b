package examplemod

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// examples are the directories, under examples/, that a user copies. The
// echobot is not one: it is the project's own bot, and its tests use the
// module's internal packages.
var examples = []string{"minimal", "contactbook", "forwarder"}

// buildLimit bounds the build of the copies: cardbot and its dependencies
// on a cold cache, on two cores busy compiling every other package's
// tests, with room to spare.
const buildLimit = 8 * time.Minute

// offline is what the go command says when GOPROXY=off keeps it from a
// module that is not in the module cache.
const offline = "module lookup disabled by GOPROXY=off"

// The examples' non-test files, copied into a module example.com/userbot
// in a temporary directory, whose go.mod requires cardbot and replaces it
// by this repository, build with `go build ./...`. The go command uses the
// module cache only (GOPROXY=off); when something is missing from it, the
// test skips and says what.
func TestExamplesBuildOutsideTheRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cardbot and its dependencies in a module of its own; not under -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.mod"), "the repository's root")

	dir := t.TempDir()
	for _, name := range examples {
		copied := copyExample(t, filepath.Join(root, "examples", name), filepath.Join(dir, name))
		require.NotZero(t, copied, "examples/%s has no Go file to copy", name)
	}
	gomod := fmt.Sprintf("module example.com/userbot\n\ngo %s\n\nrequire github.com/cardbot/cardbot v0.0.0\n\nreplace github.com/cardbot/cardbot => %s\n",
		goVersion(t, root), root)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))

	limit := buildLimit
	if d, ok := t.Deadline(); ok {
		// Fail as a build before go test's own -timeout panics.
		limit = min(limit, time.Until(d)-30*time.Second)
	}
	ctx, cancel := context.WithTimeoutCause(context.Background(), limit,
		fmt.Errorf("the build limit of %s ran out", limit.Round(time.Second)))
	defer cancel()
	// The three examples are linked, as any build of a main package is;
	// without a symbol table and DWARF (-s -w), which nothing here reads
	// and which take a good part of a link's time.
	cmd := exec.CommandContext(ctx, "go", append(append([]string{"build", "-ldflags=-s -w"}, raceBuildFlags...), "./...")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	switch {
	case ctx.Err() != nil:
		t.Fatalf("go build ./... of the copied examples did not finish: %v", context.Cause(ctx))
	case err != nil && strings.Contains(string(out), offline):
		t.Skipf("the module cache lacks a module the examples need, and this test does not download (GOPROXY=off); "+
			"run `go mod download` in the repository first:\n%s", out)
	case err != nil:
		t.Fatalf("the copied examples do not build outside the repository: %v\n%s", err, out)
	}
	t.Logf("go build ./... of the copied examples took %s", time.Since(start).Round(time.Millisecond))
}

// copyExample copies the Go files of from that are not tests into to, and
// returns how many it copied.
func copyExample(t *testing.T, from, to string) int {
	t.Helper()
	entries, err := os.ReadDir(from)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(to, 0o755))
	copied := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(to, name), b, 0o644))
		copied++
	}
	return copied
}

// goVersion returns the go directive of the repository's go.mod, which the
// user's module needs at least.
func goVersion(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			return v
		}
	}
	t.Fatal("the repository's go.mod has no go directive")
	return ""
}
