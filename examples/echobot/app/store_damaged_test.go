package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
)

// TestRunDamagedStore: with a file store truncated, Run returns (and
// main exits 1 with) the store's ErrFormat, which names the file, says
// what it held is lost and what to do; the process does not crash.
func TestRunDamagedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "echobot.db")
	db, err := boltstore.Open(path, boltstore.Options{NoSync: true, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = db.Queue().Push(t.Context(), store.Entry{Provider: "p", ChatID: "c", Key: "k", Update: []byte("u")})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b[:len(b)/2], 0o600))

	env := map[string]string{"ADDR": "127.0.0.1:0", "STORE": "file:" + path, "DELIVERY": "async"}
	err = Run(t.Context(), func(k string) string { return env[k] }, slog.New(slog.DiscardHandler), nil)
	require.ErrorIs(t, err, boltstore.ErrFormat)
	assert.ErrorContains(t, err, "STORE file:"+path)
	assert.ErrorContains(t, err, "pending updates and dead letters it holds cannot be read and are lost")
	assert.ErrorContains(t, err, "move the file aside")
	t.Log(err)
}
