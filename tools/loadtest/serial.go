package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// Serial delivery plays GREEN-API's way of calling webhooks: an account
// (a GREEN-API instance) sends its notifications one at a time and waits
// for each answer; on anything but 200 (or no answer) it pauses (a minute
// in reality, -serial-pause here) and sends the same notification again,
// holding back every later one. Each account has chats of its own, and
// the accounts run in parallel. Aitu accounts post batches: several
// updates per webhook, as Aitu does.

// dupLag is how many notifications after its original a duplicate comes,
// as GREEN-API's occasional second delivery of a notification does.
const dupLag = 3

// postTimeout bounds one webhook request of serial delivery (GREEN-API
// waits 180 s; a bot under test answers far sooner or is dead).
const postTimeout = 30 * time.Second

// item is one update in a notification: a message of the load, or its
// duplicate.
type item struct {
	m   *Msg
	dup bool
}

// note is one webhook request body of an account and the updates it
// carries.
type note struct {
	body  []byte
	items []item
}

// account is one provider account of serial delivery.
type account struct {
	name  string
	on    messenger
	notes []*note
}

// Accounts says how many accounts of each messenger share the chats of a
// serial load, and how many updates an Aitu webhook carries.
type Accounts struct {
	WhatsApp, MAX, Aitu int
	AituBatch           int
}

// accounts spreads the chats of a load over the accounts of their
// messenger, in turn, and lays out each account's notifications: its
// chats' messages interleaved (the first of each chat, then the second…),
// a duplicate dupLag notifications after its original, and on Aitu cut
// into batches.
func accounts(w *world, chats [][]*Msg, a Accounts) []*account {
	count := [messengers]int{onWhatsApp: a.WhatsApp, onMAX: a.MAX, onAitu: a.Aitu}
	var accts [messengers][]*account
	var byAcct [messengers][][][]*Msg
	for m := range messengers {
		n := max(1, count[m])
		byAcct[m] = make([][][]*Msg, n)
		for i := range n {
			accts[m] = append(accts[m], &account{name: fmt.Sprintf("%s-%d", m, i+1), on: m})
		}
	}
	var seen [messengers]int
	for _, msgs := range chats {
		if len(msgs) == 0 {
			continue
		}
		m := msgs[0].On
		i := seen[m] % len(accts[m])
		seen[m]++
		byAcct[m][i] = append(byAcct[m][i], msgs)
	}
	var out []*account
	for m := range messengers {
		for i, acct := range accts[m] {
			if len(byAcct[m][i]) == 0 {
				continue
			}
			items := interleave(byAcct[m][i])
			acct.notes = w.notes(m, items, max(1, a.AituBatch))
			out = append(out, acct)
		}
	}
	return out
}

// interleave orders the messages of chats as an account receives them:
// round by round, one message of each chat, with each duplicate dupLag
// items after its original.
func interleave(chats [][]*Msg) []item {
	var out []item
	var dups []struct {
		at int
		m  *Msg
	}
	for round := 0; ; round++ {
		more := false
		for _, msgs := range chats {
			if round >= len(msgs) {
				continue
			}
			more = true
			for len(dups) > 0 && dups[0].at <= len(out) {
				out = append(out, item{m: dups[0].m, dup: true})
				dups = dups[1:]
			}
			m := msgs[round]
			out = append(out, item{m: m})
			if m.Dup {
				dups = append(dups, struct {
					at int
					m  *Msg
				}{len(out) + dupLag, m})
			}
		}
		if !more {
			break
		}
	}
	for _, d := range dups {
		out = append(out, item{m: d.m, dup: true})
	}
	return out
}

// notes cuts items into webhook bodies: one per item on GREEN-API, batches
// of up to batch updates on Aitu.
func (w *world) notes(on messenger, items []item, batch int) []*note {
	var out []*note
	if on != onAitu {
		for _, it := range items {
			out = append(out, &note{body: it.m.Body, items: []item{it}})
		}
		return out
	}
	for len(items) > 0 {
		n := min(batch, len(items))
		parts := make([][]byte, n)
		for i, it := range items[:n] {
			parts[i] = it.m.Part
		}
		out = append(out, &note{body: aitutest.Batch(parts...), items: items[:n:n]})
		items = items[n:]
	}
	return out
}

// serial is a run of serial delivery: where each messenger's webhooks go,
// the client that posts them, and the pacing.
type serial struct {
	hooks  [messengers]string
	auth   [messengers]string // Authorization header, or ""
	client *http.Client
	pause  time.Duration // after a failed delivery
	rounds int           // deliveries of one notification at most
	onAck  func(*note)   // after each acknowledged notification, or nil
}

// newSerial posts to the webhooks at base with w's webhook tokens.
func newSerial(w *world, base string, pause time.Duration, rounds int) *serial {
	return &serial{
		hooks:  hooksAt(base),
		auth:   [messengers]string{onWhatsApp: "Bearer " + w.wa.WebhookToken, onMAX: "Bearer " + w.mx.WebhookToken},
		client: &http.Client{Transport: loopbackTransport(nil), Timeout: postTimeout},
		pause:  pause,
		rounds: rounds,
	}
}

func (s *serial) close() { s.client.CloseIdleConnections() }

// run runs every account at once until each delivered all its
// notifications, gave one up after s.rounds deliveries, or ctx ended.
func (s *serial) run(ctx context.Context, accts []*account) {
	var wg sync.WaitGroup
	for _, a := range accts {
		wg.Go(func() { s.account(ctx, a) })
	}
	wg.Wait()
}

// account delivers a's notifications in order, each until it is
// acknowledged; it stops at one it gives up, as no later one may pass it.
func (s *serial) account(ctx context.Context, a *account) {
	for _, n := range a.notes {
		start := time.Now()
		for _, it := range n.items {
			if !it.dup && !it.m.Pushed {
				it.m.Pushed, it.m.Start = true, start
			}
		}
		ok, posts := s.deliver(ctx, a.on, n.body)
		now := time.Now()
		for _, it := range n.items {
			if it.dup {
				it.m.DupOK = ok
				it.m.DupPosts += posts
				continue
			}
			it.m.OK, it.m.Acked = ok, now
			it.m.Posts += posts
		}
		if !ok {
			return
		}
		if s.onAck != nil {
			s.onAck(n)
		}
	}
}

// deliver posts body until it is answered 200, pausing after each
// failure, up to s.rounds times; it reports whether a 200 came and how
// many requests it took.
func (s *serial) deliver(ctx context.Context, on messenger, body []byte) (bool, int) {
	for r := range s.rounds {
		if r > 0 && sleep(ctx, s.pause) != nil {
			return false, r
		}
		if s.post(ctx, on, body) == http.StatusOK {
			return true, r + 1
		}
		if ctx.Err() != nil {
			return false, r + 1
		}
	}
	return false, s.rounds
}

// post makes one webhook request and returns its status, 0 for none.
func (s *serial) post(ctx context.Context, on messenger, body []byte) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.hooks[on], bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if s.auth[on] != "" {
		req.Header.Set("Authorization", s.auth[on])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode
}
