package apidump

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fixture = "testdata/mod"

func TestPackages(t *testing.T) {
	pkgs, err := Packages(fixture)
	require.NoError(t, err)
	// internal/, examples/, main packages, test-only directories and nested
	// modules are left out.
	assert.Equal(t, []Package{{Dir: ".", File: "cardbot.txt"}, {Dir: "sub", File: "sub.txt"}}, pkgs)
}

func TestDump(t *testing.T) {
	const want = `package p // import "example.com/m"

const KB = 1024
const MB = 1048576
const ModeA Mode = 1
const ModeC Mode = 3

var ErrX = io.EOF

func New(name string) *T

type I interface {
	Read(p []byte) (n int, err error)
	// has unexported methods
}

type List[E any] struct {
	// has unexported fields
}
func (*List[E]) Push(e E)

type Mode int

type T struct {
	Name string ` + "`json:\"name\"`" + `
	io.Reader
	// has unexported fields
}
func (T) String() string
`
	got, err := Dump(fixture, "example.com/m", ".")
	require.NoError(t, err)
	assert.Equal(t, want, got, Diff(want, got))
}

func TestDumpSubpackage(t *testing.T) {
	got, err := Dump(fixture, "example.com/m", "sub")
	require.NoError(t, err)
	assert.Equal(t, "package q // import \"example.com/m/sub\"\n\nfunc Zero()\n", got)
}

func TestDumpMissingDir(t *testing.T) {
	_, err := Dump(fixture, "example.com/m", "nowhere")
	require.Error(t, err)
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, want, got, diff string
	}{
		{name: "equal", want: "a\nb\n", got: "a\nb\n", diff: ""},
		{name: "added", want: "a\nb\n", got: "a\nx\nb\n", diff: "  a\n+ x\n  b\n"},
		{name: "removed", want: "a\nb\nc\n", got: "a\nc\n", diff: "  a\n- b\n  c\n"},
		{name: "changed", want: "a\nb\n", got: "a\nc\n", diff: "  a\n- b\n+ c\n"},
		{
			name: "far apart",
			want: "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			got:  "0\n2\n3\n4\n5\n6\n7\n8\n9\nX\n",
			diff: "- 1\n+ 0\n  2\n  3\n...\n  8\n  9\n+ X\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.diff, Diff(tt.want, tt.got))
		})
	}
}
