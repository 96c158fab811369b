package redisstore_test

import (
	"testing"
	"time"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/store/redisstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocker(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	l, err := redisstore.NewLocker(redistest.Client(t), cfg)
	require.NoError(t, err)
	other, err := redisstore.NewLocker(redistest.Client(t), cfg)
	require.NoError(t, err)
	ctx := t.Context()
	const ttl = 300 * time.Millisecond

	for _, st := range []struct {
		l     *redisstore.Locker
		name  string
		owner string
		want  bool
	}{
		{l, "greenapi:1", "a", true},
		{other, "greenapi:1", "b", false},
		{l, "greenapi:1", "a", true}, // renewed
		{other, "greenapi:2", "b", true},
		{l, "greenapi:2", "a", false},
		{l, "name with } and {", "a", true},
		{other, "name with } and {", "b", false},
	} {
		ok, err := st.l.Acquire(ctx, st.name, st.owner, ttl)
		require.NoError(t, err)
		assert.Equal(t, st.want, ok, "%s acquires %s", st.owner, st.name)
	}

	require.NoError(t, other.Release(ctx, "greenapi:1", "b"), "not b's: nothing happens")
	ok, err := other.Acquire(ctx, "greenapi:1", "b", ttl)
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, l.Release(ctx, "greenapi:1", "a"))
	ok, err = other.Acquire(ctx, "greenapi:1", "b", ttl)
	require.NoError(t, err)
	assert.True(t, ok, "free once released")

	// Renewal keeps a lease past its first ttl; without it, it expires.
	for range 3 {
		time.Sleep(ttl / 2)
		ok, err = other.Acquire(ctx, "greenapi:1", "b", ttl)
		require.NoError(t, err)
		require.True(t, ok)
	}
	ok, err = l.Acquire(ctx, "greenapi:1", "a", ttl)
	require.NoError(t, err)
	assert.False(t, ok, "renewed by b")
	time.Sleep(ttl + 50*time.Millisecond)
	ok, err = l.Acquire(ctx, "greenapi:1", "a", ttl)
	require.NoError(t, err)
	assert.True(t, ok, "expired")
}
