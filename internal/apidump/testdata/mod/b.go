package p

import "io"

// Mode says how.
type Mode int

// The modes, by iota.
const (
	ModeA Mode = iota + 1 // first
	modeB
	ModeC
)

const (
	KB = 1 << (10 * (iota + 1))
	MB
)

// ErrX is an error.
var ErrX = io.EOF

// T has one exported field of two.
type T struct {
	// Name is shown.
	Name string `json:"name"`
	id   int
	io.Reader
	inner
}

type inner struct{}

// Exported on an unexported type: not reachable by name, not listed.
func (inner) Shown() {}

// I mixes exported and unexported methods.
type I interface {
	Read(p []byte) (n int, err error)
	secret()
}

// List is generic.
type List[E any] struct{ items []E }

// Push adds.
func (l *List[E]) Push(
	e E,
) {
	l.items = append(l.items, e)
}

func (t T) String() string { return t.Name }

func (t *T) unexported() {}

// New makes a T.
func New(name string) *T { return &T{Name: name} }

func helper() {}
