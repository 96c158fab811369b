package aitu

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot"
)

func TestPendingSendsBounded(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPendingSends(3, time.Minute)
	p.now = func() time.Time { return now }
	for i := range 5 {
		p.add(strconv.Itoa(i), cardbot.Chat{ID: "USER:" + strconv.Itoa(i)})
	}
	assert.Equal(t, 3, p.len(), "at most max entries")
	_, ok := p.take("0")
	assert.False(t, ok, "the oldest went first")
	ch, ok := p.take("3")
	assert.True(t, ok)
	assert.Equal(t, "USER:3", ch.ID)
	_, ok = p.take("3")
	assert.False(t, ok, "taken once")

	now = now.Add(time.Minute)
	_, ok = p.take("4")
	assert.False(t, ok, "expired")
	assert.Equal(t, 0, p.len())

	p.add("x", cardbot.Chat{})
	p.forget("x")
	assert.Equal(t, 0, p.len())
}
