package store_test

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot/store"
)

// TestPartition: the partition of a chat is the FNV-1a hash of provider,
// NUL and chat id, modulo n, so that every instance agrees; with one
// partition or none it is 0.
func TestPartition(t *testing.T) {
	fnv1a := func(s string) uint32 {
		h := fnv.New32a()
		_, _ = h.Write([]byte(s))
		return h.Sum32()
	}
	for _, n := range []int{-1, 0, 1} {
		assert.Zero(t, store.Partition("greenapi", "79001234567@c.us", n), "n=%d", n)
	}
	seen := map[int]bool{}
	for i := range 100 {
		chat := fmt.Sprint("chat", i)
		got := store.Partition("greenapi", chat, 8)
		assert.Equal(t, int(fnv1a("greenapi\x00"+chat)%8), got, "chat %s", chat)
		seen[got] = true
	}
	assert.Len(t, seen, 8, "100 chats spread over every partition")
	assert.NotEqual(t, store.Partition("ab", "c", 1<<20), store.Partition("a", "bc", 1<<20),
		"the NUL keeps provider and chat apart")
}
