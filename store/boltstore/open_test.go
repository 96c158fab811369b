package boltstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestOpenCreates(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{})
	assert.Equal(t, path, db.Path())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Same(t, db.Queue(), db.Queue())
	assert.Same(t, db.DedupStore(), db.DedupStore())
	assert.Same(t, db.Locker(), db.Locker())
}

func TestOpenEmptyFile(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	db := open(t, path, boltstore.Options{})
	ok, err := db.Queue().Push(t.Context(), entry("c", "k", "u"))
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		make   func(t *testing.T, path string)
		format bool // the error wraps ErrFormat
	}{
		{"text file", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("not a database\n"), 0o600))
		}, true},
		{"garbage", func(t *testing.T, path string) {
			b := make([]byte, 64<<10)
			for i := range b {
				b[i] = byte(i*31 + i>>8)
			}
			require.NoError(t, os.WriteFile(path, b, 0o600))
		}, true},
		{"bbolt file of another program", func(t *testing.T, path string) {
			db, err := bolt.Open(path, 0o600, nil)
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *bolt.Tx) error {
				_, err := tx.CreateBucket([]byte("users"))
				return err
			}))
			require.NoError(t, db.Close())
		}, true},
		{"newer format", func(t *testing.T, path string) {
			db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
			require.NoError(t, err)
			require.NoError(t, db.Close())
			bdb, err := bolt.Open(path, 0o600, nil)
			require.NoError(t, err)
			require.NoError(t, bdb.Update(func(tx *bolt.Tx) error {
				return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("cardbot-boltstore 2"))
			}))
			require.NoError(t, bdb.Close())
		}, true},
		{"corrupt meta pages", func(t *testing.T, path string) {
			db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
			require.NoError(t, err)
			require.NoError(t, db.Close())
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			for _, off := range []int{20, 4096 + 20} { // both meta pages
				b[off] ^= 0xff
			}
			require.NoError(t, os.WriteFile(path, b, 0o600))
		}, true},
		{"directory", func(t *testing.T, path string) {
			require.NoError(t, os.Mkdir(path, 0o700))
		}, false},
		{"missing directory", func(t *testing.T, path string) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			if tt.name == "missing directory" {
				path = filepath.Join(t.TempDir(), "no", "such", "dir", "cardbot.db")
			}
			tt.make(t, path)
			db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
			require.Error(t, err)
			assert.Nil(t, db)
			assert.ErrorContains(t, err, "boltstore:")
			assert.ErrorContains(t, err, path)
			assert.Equal(t, tt.format, errors.Is(err, boltstore.ErrFormat), "%v", err)
			assert.NotErrorIs(t, err, boltstore.ErrLocked)
			t.Log(err)
		})
	}
}

func TestOpenTwiceInProcess(t *testing.T) {
	t.Parallel()
	path := tempPath(t)
	open(t, path, boltstore.Options{})
	_, err := boltstore.Open(path, boltstore.Options{OpenTimeout: 50 * time.Millisecond, Logger: quiet})
	require.ErrorIs(t, err, boltstore.ErrLocked)
}
