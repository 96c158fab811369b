package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/store/boltstore"
)

func TestPing(t *testing.T) {
	t.Parallel()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "bot.db"), boltstore.Options{})
	require.NoError(t, err)
	ctx := context.Background()
	pings := map[string]func(context.Context) error{"db": db.Ping, "queue": db.Queue().Ping, "dedup store": db.DedupStore().Ping}
	for name, ping := range pings {
		assert.NoError(t, ping(ctx), name)
	}
	require.NoError(t, db.Close())
	for name, ping := range pings {
		assert.ErrorIs(t, ping(ctx), boltstore.ErrClosed, name)
	}
}
