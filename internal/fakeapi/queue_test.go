package fakeapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

func TestQueue(t *testing.T) {
	var q fakeapi.Queue[int]
	got, err := q.Wait(t.Context(), time.Millisecond, 5)
	require.NoError(t, err)
	assert.Empty(t, got, "nothing within the wait")

	time.AfterFunc(20*time.Millisecond, func() { q.Push(1, 2, 3) })
	got, err = q.Wait(t.Context(), 5*time.Second, 2)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, got, "woken by the push, at most n")
	assert.Equal(t, 3, q.Len(), "waiting takes nothing")

	q.Update(func(items []int) []int { return items[2:] })
	assert.Equal(t, 1, q.Len())

	q.Update(func([]int) []int { return nil })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = q.Wait(ctx, time.Minute, 1)
	require.ErrorIs(t, err, context.Canceled)
}
