package main

import (
	"fmt"
	"sort"
)

// Expect is a message the bot must answer exactly once: its unique token,
// the chat it came from and its place in that chat's push order.
type Expect struct {
	Token  string
	ChatID string
	Seq    int
}

// Reply is one message the bot sent, as the fake provider recorded it, in
// the order the provider received the sends.
type Reply struct {
	ChatID string
	Token  string // "" when the reply carries no token of the load
	Text   string // for the report of a stray reply
}

// Verdict is what Check found.
type Verdict struct {
	Expected  int // messages that must be answered
	Answered  int // of them, answered at least once
	Lost      int // never answered
	Doubled   int // answered more than once (a duplicate delivery answered, too)
	Stray     int // replies to no expected message
	Misrouted int // replies sent to another chat than the message's
	Disorder  int // replies of a chat out of push order (only when order is checked)
	Problems  []string
}

// maxProblems bounds the examples a Verdict keeps.
const maxProblems = 10

// OK reports whether nothing was lost, doubled, stray, misrouted or out of
// order.
func (v Verdict) OK() bool {
	return v.Lost == 0 && v.Doubled == 0 && v.Stray == 0 && v.Misrouted == 0 && v.Disorder == 0
}

func (v *Verdict) problem(format string, args ...any) {
	if len(v.Problems) < maxProblems {
		v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
	}
}

// Check matches replies to the expected messages by token: each must be
// answered exactly once, in its own chat; with order, the first answers of
// each chat must come in push order (Seq increasing).
func Check(expected []Expect, replies []Reply, order bool) Verdict {
	v := Verdict{Expected: len(expected)}
	byToken := make(map[string]Expect, len(expected))
	for _, e := range expected {
		byToken[e.Token] = e
	}
	count := make(map[string]int, len(expected))
	lastSeq := make(map[string]int) // chat → seq of its latest first answer
	for _, r := range replies {
		e, ok := byToken[r.Token]
		if !ok {
			v.Stray++
			v.problem("stray reply to %s: %.60q", r.ChatID, r.Text)
			continue
		}
		count[r.Token]++
		if count[r.Token] == 2 {
			v.Doubled++
			v.problem("doubled answer: %s in %s", r.Token, e.ChatID)
		}
		if r.ChatID != e.ChatID {
			v.Misrouted++
			v.problem("misrouted: %s of %s answered in %s", r.Token, e.ChatID, r.ChatID)
			continue
		}
		if !order || count[r.Token] > 1 {
			continue
		}
		if last, seen := lastSeq[r.ChatID]; seen && e.Seq < last {
			v.Disorder++
			v.problem("out of order in %s: #%d answered after #%d", r.ChatID, e.Seq, last)
			continue
		}
		lastSeq[r.ChatID] = e.Seq
	}
	var lost []string
	for _, e := range expected {
		if count[e.Token] > 0 {
			v.Answered++
		} else {
			v.Lost++
			lost = append(lost, e.Token)
		}
	}
	sort.Strings(lost)
	for _, t := range lost {
		v.problem("lost: %s", t)
	}
	return v
}
