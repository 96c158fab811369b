package boltstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"time"
)

// checkTimeout bounds the check of a file at Open. The check reads each
// page of the file once, so it takes time in proportion to the file's
// size (about a second per few hundred megabytes); a file that takes
// longer is far larger than a bot's store ever grows.
const checkTimeout = time.Minute

// Why the file is checked before bbolt reads it: bbolt trusts its file.
// It follows the page numbers it finds in it through a memory map, so a
// truncated or damaged file makes it panic ("invalid freelist page",
// "Page expected to be", an index out of range) or read past the end of
// the map (SIGBUS or SIGSEGV, which no recover catches), sometimes in a
// goroutine of its own (tx.Check's). checkFile reads the file with plain
// reads, every offset bounded by the file's size, and follows each page at
// most once, so it neither crashes nor loops on any file; only a file it
// passes is handed to bbolt's own consistency check and then opened.

// The layout of a bbolt file (format version 2), in the byte order of the
// machine that wrote it.
const (
	boltMagic          = 0xED0CDAED
	boltVersion        = 2
	pageHeaderSize     = 16 // id u64, flags u16, count u16, overflow u32
	elementSize        = 16 // a branch or leaf element
	metaSize           = 64 // the meta after the page header
	metaChecksumOffset = 56 // the checksum covers the meta up to it
	bucketHeaderSize   = 16 // root page u64, sequence u64

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10

	leafFlagBucket = 0x01

	noFreelist = ^uint64(0)

	minPageSize = 1 << 10
	maxPageSize = 1 << 24
)

var native = binary.NativeEndian

// corrupt is the error of Open for a file found damaged: it wraps
// ErrFormat, names the file, what is wrong with it, and what to do.
func corrupt(path string, problem error) error {
	return fmt.Errorf("%w: %s is damaged (%w); the pending updates and dead letters it holds cannot be read "+
		"and are lost: move the file aside (keep it to inspect) and start again, which creates an empty store",
		ErrFormat, path, problem)
}

// meta is a meta page of a bbolt file.
type meta struct {
	pageSize        uint32
	root, freelist  uint64
	highWater, txid uint64
}

// parseMeta reads the meta page at the start of b, or says why it is not
// a valid one, as bbolt judges it: magic, version and checksum.
func parseMeta(b []byte) (meta, error) {
	if len(b) < pageHeaderSize+metaSize {
		return meta{}, errors.New("short meta page")
	}
	m := b[pageHeaderSize : pageHeaderSize+metaSize]
	switch {
	case native.Uint32(m[0:]) != boltMagic:
		return meta{}, errors.New("no bbolt magic")
	case native.Uint32(m[4:]) != boltVersion:
		return meta{}, fmt.Errorf("bbolt version %d", native.Uint32(m[4:]))
	}
	h := fnv.New64a()
	h.Write(m[:metaChecksumOffset])
	if h.Sum64() != native.Uint64(m[metaChecksumOffset:]) {
		return meta{}, errors.New("bad checksum")
	}
	return meta{
		pageSize:  native.Uint32(m[8:]),
		root:      native.Uint64(m[16:]),
		freelist:  native.Uint64(m[32:]),
		highWater: native.Uint64(m[40:]),
		txid:      native.Uint64(m[48:]),
	}, nil
}

// fileCheck is one check of a file.
type fileCheck struct {
	r        io.ReaderAt
	size     int64
	pageSize uint64
	meta     meta
	reached  []bool // by page id, below the high water mark
	freed    []bool
	deadline time.Time
	pages    int
}

// checkFile checks the bbolt file at path. An empty file passes: bbolt
// lays it out. It returns the first problem found.
func checkFile(path string, deadline time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return nil
	}
	c := &fileCheck{r: f, size: fi.Size(), deadline: deadline}
	return c.run()
}

func (c *fileCheck) run() error {
	if err := c.readMeta(); err != nil {
		return err
	}
	pages := uint64(c.size) / c.pageSize
	m := c.meta
	switch {
	case m.highWater < 4 || m.highWater > pages:
		return fmt.Errorf("truncated: the file holds %d pages of %d bytes, its meta page counts %d", pages, c.pageSize, m.highWater)
	case m.root < 2 || m.root >= m.highWater:
		return fmt.Errorf("meta page: root page %d outside the file's %d pages", m.root, m.highWater)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.highWater):
		return fmt.Errorf("meta page: freelist page %d outside the file's %d pages", m.freelist, m.highWater)
	}
	c.reached = make([]bool, m.highWater)
	c.freed = make([]bool, m.highWater)
	c.reached[0], c.reached[1] = true, true
	if m.freelist != noFreelist {
		if err := c.readFreelist(); err != nil {
			return err
		}
	}
	if err := c.walk(m.root); err != nil {
		return err
	}
	if m.freelist == noFreelist {
		return nil // bbolt counts every page not reached as free
	}
	for id := range m.highWater {
		if !c.reached[id] && !c.freed[id] {
			return fmt.Errorf("page %d: neither in use nor free", id)
		}
	}
	return nil
}

// readMeta finds the page size and the current meta page as bbolt does:
// the page size from the first meta page that is valid, then of the two
// meta pages the valid one with the higher transaction id.
func (c *fileCheck) readMeta() error {
	buf := make([]byte, 4096)
	n, _ := c.r.ReadAt(buf, 0)
	m0, err0 := parseMeta(buf[:n])
	if err0 == nil {
		c.pageSize = uint64(m0.pageSize)
	} else {
		// bbolt looks for the second meta page at every power of two
		// from 1 KiB.
		for pos := int64(minPageSize); pos < c.size-minPageSize && pos <= maxPageSize; pos <<= 1 {
			n, _ := c.r.ReadAt(buf, pos)
			if m1, err := parseMeta(buf[:n]); err == nil {
				c.pageSize = uint64(m1.pageSize)
				break
			}
		}
	}
	if c.pageSize == 0 {
		return fmt.Errorf("no valid meta page (first: %w)", err0)
	}
	if c.pageSize < minPageSize || c.pageSize > maxPageSize || c.pageSize&(c.pageSize-1) != 0 {
		return fmt.Errorf("meta page: page size %d", c.pageSize)
	}
	if uint64(c.size) < 2*c.pageSize {
		return fmt.Errorf("truncated: %d bytes, less than its two meta pages", c.size)
	}
	var metas [2]meta
	var errs [2]error
	for i := range metas {
		b := make([]byte, pageHeaderSize+metaSize)
		if _, err := c.r.ReadAt(b, int64(i)*int64(c.pageSize)); err != nil {
			errs[i] = err
			continue
		}
		metas[i], errs[i] = parseMeta(b)
		if errs[i] == nil && uint64(metas[i].pageSize) != c.pageSize {
			errs[i] = fmt.Errorf("page size %d, not %d", metas[i].pageSize, c.pageSize)
		}
	}
	a, b := 0, 1
	if metas[1].txid > metas[0].txid {
		a, b = 1, 0
	}
	switch {
	case errs[a] == nil:
		c.meta = metas[a]
	case errs[b] == nil:
		c.meta = metas[b]
	default:
		return fmt.Errorf("both meta pages invalid: %w; %w", errs[0], errs[1])
	}
	return nil
}

// page reads the page id and its overflow pages, after checking that they
// lie below the high water mark.
func (c *fileCheck) page(id uint64) ([]byte, error) {
	if time.Now().After(c.deadline) {
		return nil, errCheckTimeout
	}
	if id < 2 || id >= c.meta.highWater {
		return nil, fmt.Errorf("page %d: outside the file's %d pages", id, c.meta.highWater)
	}
	head := make([]byte, pageHeaderSize)
	if _, err := c.r.ReadAt(head, int64(id*c.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	if got := native.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d: its header says page %d", id, got)
	}
	overflow := uint64(native.Uint32(head[12:]))
	if overflow >= c.meta.highWater-id {
		return nil, fmt.Errorf("page %d: %d overflow pages run past the file's %d pages", id, overflow, c.meta.highWater)
	}
	p := make([]byte, (overflow+1)*c.pageSize)
	if _, err := c.r.ReadAt(p, int64(id*c.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	for i := id; i <= id+overflow; i++ {
		switch {
		case c.reached[i]:
			return nil, fmt.Errorf("page %d: referenced twice", i)
		case c.freed[i]:
			return nil, fmt.Errorf("page %d: in use and on the freelist", i)
		}
		c.reached[i] = true
	}
	c.pages++
	return p, nil
}

// errCheckTimeout ends a check that took longer than checkTimeout.
var errCheckTimeout = fmt.Errorf("boltstore: the check of the file took longer than %v", checkTimeout)

// readFreelist reads the free pages from the freelist page.
func (c *fileCheck) readFreelist() error {
	id := c.meta.freelist
	p, err := c.page(id)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	if flags := native.Uint16(p[8:]); flags != flagFreelist {
		return fmt.Errorf("freelist: page %d is a %s page", id, pageType(flags))
	}
	first, count := uint64(0), uint64(native.Uint16(p[10:]))
	if count == 0xFFFF { // the count is in the first element
		first, count = 1, native.Uint64(p[pageHeaderSize:])
	}
	if count > (uint64(len(p))-pageHeaderSize)/8-first {
		return fmt.Errorf("freelist: %d free pages do not fit in page %d", count, id)
	}
	for i := range count {
		free := native.Uint64(p[pageHeaderSize+(first+i)*8:])
		switch {
		case free < 2 || free >= c.meta.highWater:
			return fmt.Errorf("freelist: free page %d outside the file's %d pages", free, c.meta.highWater)
		case c.freed[free]:
			return fmt.Errorf("freelist: page %d freed twice", free)
		case c.reached[free]:
			return fmt.Errorf("freelist: page %d is the freelist itself", free)
		}
		c.freed[free] = true
	}
	return nil
}

// node is a page of a B+tree to visit, with the bounds of its keys from
// its parent: at least lo, and below hi when hi is not nil.
type node struct {
	id     uint64
	lo, hi []byte
}

// walk visits the tree of the bucket whose root page is root, and the
// trees of the buckets in it, depth first with a stack of its own.
func (c *fileCheck) walk(root uint64) error {
	stack := []node{{id: root}}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		p, err := c.page(n.id)
		if err != nil {
			return err
		}
		where := fmt.Sprintf("page %d", n.id)
		switch flags := native.Uint16(p[8:]); flags {
		case flagBranch:
			keys, children, err := branchElements(p, where)
			if err != nil {
				return err
			}
			if err := checkOrder(keys, n.lo, n.hi, where); err != nil {
				return err
			}
			for i, child := range children {
				hi := n.hi
				if i+1 < len(keys) {
					hi = keys[i+1]
				}
				stack = append(stack, node{id: child, lo: keys[i], hi: hi})
			}
		case flagLeaf:
			roots, err := c.leaf(p, n.lo, n.hi, where, 0)
			if err != nil {
				return err
			}
			for _, r := range roots {
				stack = append(stack, node{id: r})
			}
		default:
			return fmt.Errorf("%s: a %s page inside a tree", where, pageType(flags))
		}
	}
	return nil
}

// maxInlineDepth bounds buckets inlined in buckets (bbolt inlines only a
// bucket without buckets, so one level is all a sound file has).
const maxInlineDepth = 8

// leaf checks the leaf page p (a page of the file, or a bucket inlined in
// a value) and returns the root pages of the buckets it holds.
func (c *fileCheck) leaf(p []byte, lo, hi []byte, where string, depth int) ([]uint64, error) {
	count := int(native.Uint16(p[10:]))
	if pageHeaderSize+count*elementSize > len(p) {
		return nil, fmt.Errorf("%s: %d elements do not fit", where, count)
	}
	keys := make([][]byte, count)
	var roots []uint64
	for i := range count {
		e := pageHeaderSize + i*elementSize
		flags := native.Uint32(p[e:])
		pos, ksize, vsize := uint64(native.Uint32(p[e+4:])), uint64(native.Uint32(p[e+8:])), uint64(native.Uint32(p[e+12:]))
		start := uint64(e) + pos
		if start+ksize+vsize > uint64(len(p)) {
			return nil, fmt.Errorf("%s: element %d runs past the page", where, i)
		}
		keys[i] = p[start : start+ksize]
		if flags&leafFlagBucket == 0 {
			continue
		}
		v := p[start+ksize : start+ksize+vsize]
		if len(v) < bucketHeaderSize {
			return nil, fmt.Errorf("%s: bucket %q: short header", where, keys[i])
		}
		if r := native.Uint64(v); r != 0 {
			roots = append(roots, r)
			continue
		}
		// An inline bucket: a leaf page in the value.
		in := v[bucketHeaderSize:]
		inWhere := fmt.Sprintf("%s: inline bucket %q", where, keys[i])
		if len(in) < pageHeaderSize || native.Uint16(in[8:]) != flagLeaf || depth >= maxInlineDepth {
			return nil, fmt.Errorf("%s: not a leaf", inWhere)
		}
		sub, err := c.leaf(in, nil, nil, inWhere, depth+1)
		if err != nil {
			return nil, err
		}
		roots = append(roots, sub...)
	}
	return roots, checkOrder(keys, lo, hi, where)
}

// branchElements returns the keys and child pages of the branch page p.
func branchElements(p []byte, where string) ([][]byte, []uint64, error) {
	count := int(native.Uint16(p[10:]))
	if count == 0 {
		return nil, nil, fmt.Errorf("%s: a branch page without elements", where)
	}
	if pageHeaderSize+count*elementSize > len(p) {
		return nil, nil, fmt.Errorf("%s: %d elements do not fit", where, count)
	}
	keys, children := make([][]byte, count), make([]uint64, count)
	for i := range count {
		e := pageHeaderSize + i*elementSize
		pos, ksize := uint64(native.Uint32(p[e:])), uint64(native.Uint32(p[e+4:]))
		start := uint64(e) + pos
		if start+ksize > uint64(len(p)) {
			return nil, nil, fmt.Errorf("%s: element %d runs past the page", where, i)
		}
		keys[i], children[i] = p[start:start+ksize], native.Uint64(p[e+8:])
	}
	return keys, children, nil
}

// checkOrder checks that keys rise strictly, the first is at least lo and
// the last is below hi (when not nil), as bbolt's check does.
func checkOrder(keys [][]byte, lo, hi []byte, where string) error {
	for i, k := range keys {
		switch {
		case i == 0 && lo != nil && bytes.Compare(k, lo) < 0,
			i > 0 && bytes.Compare(keys[i-1], k) >= 0,
			hi != nil && bytes.Compare(k, hi) >= 0:
			return fmt.Errorf("%s: key %d out of order", where, i)
		}
	}
	return nil
}

// pageType names the type of a page by its flags.
func pageType(flags uint16) string {
	switch flags {
	case flagBranch:
		return "branch"
	case flagLeaf:
		return "leaf"
	case flagMeta:
		return "meta"
	case flagFreelist:
		return "freelist"
	}
	return fmt.Sprintf("unknown (flags %#x)", flags)
}
