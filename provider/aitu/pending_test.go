package aitu

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot"
)

func TestPendingSends(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPendingSends(3, time.Minute)
	p.now = func() time.Time { return now }
	for i := range 5 {
		p.add(strconv.Itoa(i), cardbot.Chat{ID: "USER:" + strconv.Itoa(i)})
	}
	assert.Equal(t, 3, p.len(), "at most max entries")

	tests := []struct {
		name, id string
		after    time.Duration
		want     string // "": not found
	}{
		{"the oldest went first", "0", 0, ""},
		{"found", "3", 0, "USER:3"},
		{"found again: a lookup does not consume", "3", 0, "USER:3"},
		{"still there just before the TTL", "4", time.Minute - time.Second, "USER:4"},
		{"expired at the TTL", "4", time.Minute, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = time.Unix(1000, 0).Add(tt.after)
			ch, ok := p.lookup(tt.id)
			assert.Equal(t, tt.want != "", ok)
			assert.Equal(t, tt.want, ch.ID)
		})
	}

	now = time.Unix(1000, 0).Add(time.Minute)
	p.add("x", cardbot.Chat{ID: "USER:x"})
	assert.Equal(t, 1, p.len(), "expired entries go when another comes")
}

// TestPendingSendsAddAgain: a localId added again (a send retried) keeps
// one entry, pointing at the latest chat, and so does not crowd out others.
func TestPendingSendsAddAgain(t *testing.T) {
	p := newPendingSends(2, time.Minute)
	p.add("a", cardbot.Chat{ID: "USER:1"})
	p.add("b", cardbot.Chat{ID: "USER:2"})
	p.add("a", cardbot.Chat{ID: "GROUP:3"})
	assert.Equal(t, 2, p.len())
	ch, ok := p.lookup("a")
	assert.True(t, ok)
	assert.Equal(t, "GROUP:3", ch.ID)
	_, ok = p.lookup("b")
	assert.True(t, ok, "b was not dropped for a's second add")
	p.add("c", cardbot.Chat{ID: "USER:4"})
	_, ok = p.lookup("b")
	assert.False(t, ok, "a's second add made b the oldest")
}
