package layering

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/cardbot/cardbot"

// TestLayers checks, with go list -deps, that no package in a layer
// imports (directly or not) a package the layer must not know.
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	tests := []struct {
		name      string
		pkgs      []string // the layer
		forbidden []string // what none of them may import
	}{
		{"the stores know nothing of the bot",
			[]string{"store", "store/boltstore", "store/redisstore", "store/storetest"},
			[]string{module, module + "/delivery", module + "/webhook"}},
		{"the bot knows the contracts, no store implementation and not the engine",
			[]string{module},
			[]string{module + "/delivery", module + "/store/boltstore", module + "/store/redisstore", module + "/store/storetest", module + "/cardbottest"}},
		{"the engine knows no store implementation",
			[]string{"delivery"},
			[]string{module + "/store/boltstore", module + "/store/redisstore"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range tt.pkgs {
				if !strings.HasPrefix(p, module) {
					p = module + "/" + p
				}
				deps := listDeps(t, p)
				require.Contains(t, deps, p, "go list -deps names the package itself")
				for _, f := range tt.forbidden {
					if f == p {
						continue
					}
					assert.NotContains(t, deps, f, "%s imports %s", p, f)
				}
			}
		})
	}
}

// listDeps returns what go list -deps prints for pkg, run at the module's
// root.
func listDeps(t *testing.T, pkg string) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go list -deps %s: %s", pkg, out)
	deps := strings.Fields(string(out))
	slices.Sort(deps)
	return deps
}
