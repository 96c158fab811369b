package chatlock

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStateLockSweep holds more conversations than the sweep keeps, one
// of them all along: the free locks go, the held one stays and still
// excludes its conversation.
func TestStateLockSweep(t *testing.T) {
	k := New(Config{Wait: time.Second, Busy: errors.New("busy")})
	ctx := context.Background()
	held, err := k.Hold(ctx, "kept")
	require.NoError(t, err)
	for i := range 3 * minSweep {
		h, err := k.Hold(ctx, fmt.Sprint("c", i))
		require.NoError(t, err)
		k.Release(ctx, h)
	}
	k.mu.Lock()
	n, kept := len(k.locks), k.locks["kept"]
	k.mu.Unlock()
	assert.Less(t, n, 2*minSweep, "the free locks were not swept")
	require.Same(t, held.l, kept, "a held lock was swept")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = k.Hold(cancelled, "kept")
	require.ErrorIs(t, err, context.Canceled, "the held conversation must stay excluded")
	k.Release(ctx, held)
	h, err := k.Hold(ctx, "kept")
	require.NoError(t, err)
	k.Release(ctx, h)
}
