package boltstore_test

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/store/boltstore"
)

// storeFile is a store written by the test and closed: its bytes, its
// page size, its high water mark, and its pages by type.
type storeFile struct {
	b        []byte
	pageSize int
	pages    int // the high water mark: pages below it are in use or free
	byType   map[uint16][]int
}

const (
	typeBranch   = 0x01
	typeLeaf     = 0x02
	typeFreelist = 0x10
)

// writeStore writes a store with pending entries (enough for branch
// pages, and one large enough for overflow pages), dead letters and dedup
// marks, and reads its file back.
func writeStore(t *testing.T) storeFile {
	t.Helper()
	path := tempPath(t)
	db := open(t, path, boltstore.Options{NoSync: true})
	ctx := t.Context()
	q := db.Queue()
	for i := range 300 {
		_, err := q.Push(ctx, entry(fmt.Sprintf("chat-%d", i%7), fmt.Sprintf("key-%d", i), strings.Repeat("u", 100+i)))
		require.NoError(t, err)
	}
	_, err := q.Push(ctx, entry("big", "big", strings.Repeat("b", 20_000)))
	require.NoError(t, err)
	c := consume(t, q, 400)
	for range 3 {
		require.NoError(t, q.DeadLetter(ctx, c.next(), "test"))
	}
	// Delete some, so that the freelist holds pages.
	for range 50 {
		require.NoError(t, q.Ack(ctx, c.next()))
	}
	require.NoError(t, db.Close()) // the deliveries not ended stay pending
	require.ErrorIs(t, c.wait(), boltstore.ErrClosed)

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	f := storeFile{b: b, byType: map[uint16][]int{}}
	f.pageSize = int(ne.Uint32(b[16+8:]))
	m := b[16:] // the current meta: of the higher transaction id
	if m1 := b[f.pageSize+16:]; ne.Uint64(m1[48:]) > ne.Uint64(m[48:]) {
		m = m1
	}
	f.pages = int(ne.Uint64(m[40:]))
	// Free pages keep what they held: the live pages are those neither
	// free nor inside another page.
	fl := int(ne.Uint64(m[32:]))
	f.byType[typeFreelist] = []int{fl}
	free := map[int]bool{fl: true}
	for i := range int(ne.Uint16(b[fl*f.pageSize+10:])) {
		free[int(ne.Uint64(b[fl*f.pageSize+16+8*i:]))] = true
	}
	for id := 2; id < f.pages; {
		p := b[id*f.pageSize:]
		if free[id] || int(ne.Uint64(p)) != id {
			id++
			continue
		}
		f.byType[ne.Uint16(p[8:])] = append(f.byType[ne.Uint16(p[8:])], id)
		id += 1 + int(ne.Uint32(p[12:]))
	}
	for _, typ := range []uint16{typeBranch, typeLeaf, typeFreelist} {
		require.NotEmpty(t, f.byType[typ], "the store has a page of type %#x", typ)
	}
	return f
}

var ne = binary.NativeEndian

// page returns the bytes of page id of b.
func (f storeFile) page(b []byte, id int) []byte { return b[id*f.pageSize : (id+1)*f.pageSize] }

// setMetas sets the uint64 at off in the meta of both meta pages of b and
// seals them again with a right checksum, as a bug in a writer would.
func (f storeFile) setMetas(b []byte, off int, v uint64) {
	for id := range 2 {
		m := f.page(b, id)[16:]
		ne.PutUint64(m[off:], v)
		h := fnv.New64a()
		h.Write(m[:56])
		ne.PutUint64(m[56:], h.Sum64())
	}
}

// TestOpenDamaged: a store file truncated, or with bytes changed in its
// meta, freelist, branch or leaf pages, fails Open with ErrFormat, naming
// the file and what to do; none crashes the process, as each did in bbolt
// before Open checked the file.
func TestOpenDamaged(t *testing.T) {
	t.Parallel()
	f := writeStore(t)
	branch, leaf, freelist := f.byType[typeBranch][0], f.byType[typeLeaf][0], f.byType[typeFreelist][0]
	used := f.pages * f.pageSize
	tests := []struct {
		name   string
		damage func(b []byte) []byte
	}{
		{"truncated inside the second meta page", func(b []byte) []byte { return b[:f.pageSize+100] }},
		{"truncated after the meta pages", func(b []byte) []byte { return b[:2*f.pageSize] }},
		{"truncated at a page and a bit", func(b []byte) []byte { return b[:3*f.pageSize+7] }},
		{"truncated at half", func(b []byte) []byte { return b[:used/2] }},
		{"truncated by one page", func(b []byte) []byte { return b[:used-f.pageSize] }},
		{"truncated by one byte", func(b []byte) []byte { return b[:used-1] }},
		{"meta: root beyond the file", func(b []byte) []byte { f.setMetas(b, 16, uint64(f.pages)+1000); return b }},
		{"meta: root far beyond the map", func(b []byte) []byte { f.setMetas(b, 16, 1<<40); return b }},
		{"meta: root on the freelist page", func(b []byte) []byte { f.setMetas(b, 16, uint64(freelist)); return b }},
		{"meta: freelist on a leaf page", func(b []byte) []byte { f.setMetas(b, 32, uint64(leaf)); return b }},
		{"meta: freelist beyond the file", func(b []byte) []byte { f.setMetas(b, 32, 1<<33); return b }},
		{"meta: high water mark beyond the file", func(b []byte) []byte { f.setMetas(b, 40, uint64(f.pages)*4); return b }},
		{"meta: page size doubled", func(b []byte) []byte {
			for id := range 2 {
				ne.PutUint32(f.page(b, id)[16+8:], uint32(2*f.pageSize))
			}
			f.setMetas(b, 48, 1<<20) // the txid; reseals both
			return b
		}},
		{"freelist: a leaf page", func(b []byte) []byte { ne.PutUint16(f.page(b, freelist)[8:], typeLeaf); return b }},
		{"freelist: a huge count", func(b []byte) []byte {
			p := f.page(b, freelist)
			ne.PutUint16(p[10:], 0xFFFF)
			ne.PutUint64(p[16:], 1<<40)
			return b
		}},
		{"freelist: a page far beyond the file", func(b []byte) []byte { ne.PutUint64(f.page(b, freelist)[16:], 1<<35); return b }},
		{"branch: a child far beyond the file", func(b []byte) []byte { ne.PutUint64(f.page(b, branch)[16+8:], 1<<30); return b }},
		{"branch: a child just beyond the file", func(b []byte) []byte {
			ne.PutUint64(f.page(b, branch)[16+8:], uint64(f.pages+3))
			return b
		}},
		{"branch: a child that is a meta page", func(b []byte) []byte { ne.PutUint64(f.page(b, branch)[16+8:], 1); return b }},
		{"branch: a child that is itself", func(b []byte) []byte { ne.PutUint64(f.page(b, branch)[16+8:], uint64(branch)); return b }},
		{"branch: a key past the page", func(b []byte) []byte { ne.PutUint32(f.page(b, branch)[16:], 0xFFFFFFF0); return b }},
		{"branch: no elements", func(b []byte) []byte { ne.PutUint16(f.page(b, branch)[10:], 0); return b }},
		{"branch: another page's id", func(b []byte) []byte { ne.PutUint64(f.page(b, branch), uint64(leaf)); return b }},
		{"branch: unknown type", func(b []byte) []byte { ne.PutUint16(f.page(b, branch)[8:], 0x20); return b }},
		{"leaf: 65535 elements", func(b []byte) []byte { ne.PutUint16(f.page(b, leaf)[10:], 0xFFFF); return b }},
		{"leaf: a key past the page", func(b []byte) []byte { ne.PutUint32(f.page(b, leaf)[16+8:], 1<<31); return b }},
		{"leaf: a value past the page", func(b []byte) []byte { ne.PutUint32(f.page(b, leaf)[16+12:], 1<<31); return b }},
		{"leaf: read as a branch", func(b []byte) []byte { ne.PutUint16(f.page(b, leaf)[8:], typeBranch); return b }},
		{"leaf: an overflow past the file", func(b []byte) []byte { ne.PutUint32(f.page(b, leaf)[12:], 1<<20); return b }},
		{"leaf: keys out of order", func(b []byte) []byte {
			p := f.page(b, leaf)
			ne.PutUint32(p[16+8:], 0) // the first key empty, then the second key
			ne.PutUint32(p[32+8:], 0) // empty too: not above it
			return b
		}},
		{"leaf: every leaf zeroed", func(b []byte) []byte {
			for _, id := range f.byType[typeLeaf] {
				clear(f.page(b, id))
			}
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tempPath(t)
			require.NoError(t, os.WriteFile(path, tt.damage(append([]byte(nil), f.b...)), 0o600))
			db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
			if err == nil {
				db.Close()
			}
			require.ErrorIs(t, err, boltstore.ErrFormat)
			assert.Nil(t, db)
			assert.ErrorContains(t, err, path)
			assert.ErrorContains(t, err, "move the file aside")
			assert.ErrorContains(t, err, "pending updates and dead letters it holds cannot be read")
			t.Log(err)

			// The file is closed and unlocked: once moved aside, a new
			// store opens at the path.
			require.NoError(t, os.Rename(path, path+".damaged"))
			open(t, path, boltstore.Options{OpenTimeout: 50e6})
		})
	}
}

// TestOpenUndamaged: the check passes the store written, and the store
// opens with what it held.
func TestOpenUndamaged(t *testing.T) {
	t.Parallel()
	f := writeStore(t)
	path := tempPath(t)
	require.NoError(t, os.WriteFile(path, f.b, 0o600))
	db := open(t, path, boltstore.Options{})
	stored, err := boltstore.Stored(db)
	require.NoError(t, err)
	assert.Len(t, stored, 301-3-50)
	dead, err := db.Queue().DeadLetters(t.Context(), 10)
	require.NoError(t, err)
	assert.Len(t, dead, 3)
}

// BenchmarkOpenChecked measures Open of a store of 20 000 pending entries
// of 500 bytes (about 13 MB): the check of the file is most of it.
func BenchmarkOpenChecked(b *testing.B) {
	path := filepath.Join(b.TempDir(), "cardbot.db")
	db, err := boltstore.Open(path, boltstore.Options{NoSync: true, Logger: quiet})
	require.NoError(b, err)
	for i := range 20_000 {
		_, err := db.Queue().Push(b.Context(), entry(fmt.Sprint(i%50), fmt.Sprint(i), strings.Repeat("x", 500)))
		require.NoError(b, err)
	}
	require.NoError(b, db.Close())
	fi, err := os.Stat(path)
	require.NoError(b, err)
	for b.Loop() {
		db, err := boltstore.Open(path, boltstore.Options{Logger: quiet})
		require.NoError(b, err)
		require.NoError(b, db.Close())
	}
	b.ReportMetric(float64(fi.Size())/1e6, "MB")
}
