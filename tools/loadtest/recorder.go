package main

import (
	"maps"
	"sync"
	"time"
)

// recorder keeps the bot's sends in the order the fakes accepted them.
type recorder struct {
	mu      sync.Mutex
	replies []Reply
	first   map[string]time.Time // token → time of its first reply
	last    time.Time            // of the latest reply
}

func newRecorder() *recorder { return &recorder{first: make(map[string]time.Time)} }

func (r *recorder) add(chat, token, text string) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, Reply{ChatID: chat, Token: token, Text: text})
	if _, ok := r.first[token]; !ok {
		r.first[token] = now
	}
	r.last = now
}

// count returns how many replies came, and when the latest did.
func (r *recorder) count() (int, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.replies), r.last
}

// snapshot returns the replies so far and the first reply times.
func (r *recorder) snapshot() ([]Reply, map[string]time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Reply(nil), r.replies...), maps.Clone(r.first)
}

// answered reports whether every message of want has a reply.
func (r *recorder) answered(want []Expect) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range want {
		if _, ok := r.first[e.Token]; !ok {
			return false
		}
	}
	return true
}

// counts returns how many replies each token got.
func (r *recorder) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.first))
	for _, rp := range r.replies {
		out[rp.Token]++
	}
	return out
}
