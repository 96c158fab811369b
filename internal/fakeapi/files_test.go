package fakeapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

func TestFiles(t *testing.T) {
	var fs fakeapi.Files
	_, ok := fs.Get("a")
	assert.False(t, ok, "the zero value is empty")

	data := []byte("abc")
	fs.Add("a", fakeapi.File{Name: "a.txt", MIME: "text/plain", Data: data})
	data[0] = 'x'
	f, ok := fs.Get("a")
	require.True(t, ok)
	assert.Equal(t, fakeapi.File{Name: "a.txt", MIME: "text/plain", Data: []byte("abc")}, f, "a copy of the data")

	fs.Add("a", fakeapi.File{Name: "b.txt"})
	f, _ = fs.Get("a")
	assert.Equal(t, "b.txt", f.Name, "replaced")
}
