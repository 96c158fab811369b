package fakeapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

func TestList(t *testing.T) {
	var l fakeapi.List[int]
	l.Add(1, 2)
	l.AddN(2, 3)
	assert.Equal(t, []int{1, 2, 3, 3}, l.All())
	v, ok := l.Take()
	assert.True(t, ok)
	assert.Equal(t, 1, v)
	l.Reset()
	_, ok = l.Take()
	assert.False(t, ok)
}
