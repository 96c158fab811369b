package boltstore

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCheckFileDeadline: a check that runs past its deadline stops with
// errCheckTimeout (not ErrFormat: the file may be sound), and Open says
// so, naming the file.
func TestCheckFileDeadline(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cardbot.db")
	db, err := Open(path, Options{NoSync: true})
	require.NoError(t, err)
	require.NoError(t, db.Close())

	require.NoError(t, checkFile(path, time.Now().Add(time.Minute)))
	err = checkFile(path, time.Now().Add(-time.Second))
	require.ErrorIs(t, err, errCheckTimeout)
	require.NotErrorIs(t, err, ErrFormat)
}
