package aitu

import (
	"container/list"
	"sync"
	"time"

	"github.com/cardbot/cardbot"
)

// Bounds of the map of sent commands awaiting their MessageIdAssigned.
const (
	pendingCap = 10000
	pendingTTL = 15 * time.Minute
)

// pendingSends remembers, for each localId the client sent, the chat it
// went to, until the entry is older than the TTL or newer entries push it
// out: at most max entries, in the order sent. Looking an entry up does
// not change it, so that decoding a webhook is pure: a MessageIdAssigned
// delivered twice decodes twice the same. It costs nothing while idle:
// expired entries go when others come.
type pendingSends struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	byID  map[string]*list.Element
	order list.List // of *pendingSend, oldest first
	now   func() time.Time
}

type pendingSend struct {
	localID string
	chat    cardbot.Chat
	at      time.Time
}

func newPendingSends(max int, ttl time.Duration) *pendingSends {
	return &pendingSends{max: max, ttl: ttl, byID: make(map[string]*list.Element), now: time.Now}
}

// add remembers that localID went to chat.
func (p *pendingSends) add(localID string, chat cardbot.Chat) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.expire(now)
	if e, ok := p.byID[localID]; ok {
		p.order.Remove(e)
	}
	for p.order.Len() >= p.max {
		p.drop(p.order.Front())
	}
	p.byID[localID] = p.order.PushBack(&pendingSend{localID: localID, chat: chat, at: now})
}

// lookup returns the chat localID went to, unless its entry expired.
func (p *pendingSends) lookup(localID string) (cardbot.Chat, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.byID[localID]
	if !ok {
		return cardbot.Chat{}, false
	}
	ps := e.Value.(*pendingSend)
	if p.now().Sub(ps.at) >= p.ttl {
		return cardbot.Chat{}, false
	}
	return ps.chat, true
}

func (p *pendingSends) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len()
}

func (p *pendingSends) expire(now time.Time) {
	for e := p.order.Front(); e != nil; e = p.order.Front() {
		if now.Sub(e.Value.(*pendingSend).at) < p.ttl {
			return
		}
		p.drop(e)
	}
}

func (p *pendingSends) drop(e *list.Element) {
	delete(p.byID, e.Value.(*pendingSend).localID)
	p.order.Remove(e)
}
