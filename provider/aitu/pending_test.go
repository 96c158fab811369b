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
