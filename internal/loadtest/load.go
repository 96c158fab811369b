package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// maxPause bounds the pause between redelivery rounds.
const maxPause = 500 * time.Millisecond

// textPrefix starts every text of the load; the echo sends it back.
const textPrefix = "echo "

// Kinds of message in the load.
const (
	kindText = iota
	kindContact
	kindVCF
)

// phone is a valid number of the +7 plan, which both providers take.
const phone = "+7 900 123-45-69"

// Msg is one message of the load and what its delivery gave.
type Msg struct {
	Expect
	Kind int
	Aitu bool
	Body []byte
	Dup  bool // delivered a second time once the first is acknowledged

	Start    time.Time // first delivery attempt; zero when never pushed
	Acked    time.Time // the 200, or the giving up
	OK       bool      // acknowledged with 200
	DupOK    bool      // the duplicate was acknowledged
	Posts    int       // webhook requests the message took
	DupPosts int       // and its duplicate
	Pushed   bool
}

// vcard is a card whose first name is the token, so its echo names it.
func vcard(token string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Load;" + token + ";;;\r\nFN:" + token + " Load\r\n" +
		"TEL;TYPE=CELL:" + phone + "\r\nEND:VCARD\r\n"
}

// isAitu spreads share of the chats over Aitu, evenly.
func isAitu(chat int, share float64) bool {
	return int(float64(chat+1)*share) > int(float64(chat)*share)
}

// buildLoad makes the messages of each chat: a mix of texts (60%), shared
// contacts (20%) and .vcf uploads (20%), each with a unique token, a share
// of them delivered twice.
func buildLoad(w *world, phase string, cfg Config) [][]*Msg {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(len(phase))))
	chats := make([][]*Msg, cfg.Chats)
	for c := range chats {
		onAitu := isAitu(c, cfg.AituShare)
		chatID := fmt.Sprintf("7900%07d@c.us", c)
		if onAitu {
			chatID = aitu.ChatID(aitu.PeerUser, aitutest.NewUUID())
		}
		msgs := make([]*Msg, cfg.Messages)
		for i := range msgs {
			m := &Msg{Expect: Expect{Token: fmt.Sprintf("%s-c%d-m%d", phase, c, i), ChatID: chatID, Seq: i}, Aitu: onAitu}
			switch r := rng.IntN(10); {
			case r < 6:
				m.Kind = kindText
			case r < 8:
				m.Kind = kindContact
			default:
				m.Kind = kindVCF
			}
			m.Dup = rng.Float64() < cfg.DupShare
			m.Body = w.body(m)
			msgs[i] = m
		}
		chats[c] = msgs
	}
	return chats
}

// body is m's webhook as its provider sends it.
func (w *world) body(m *Msg) []byte {
	card := vcard(m.Token)
	if m.Aitu {
		in := aitutest.Incoming{ChatID: m.ChatID}
		switch m.Kind {
		case kindContact:
			return aitutest.Batch(w.ai.IncomingUnregisteredContact(in, m.Token, "Load", phone))
		case kindVCF:
			return aitutest.Batch(w.ai.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(card)))
		}
		return aitutest.Batch(w.ai.IncomingText(in, textPrefix+m.Token))
	}
	in := greenapitest.Incoming{ChatID: m.ChatID}
	switch m.Kind {
	case kindContact:
		return w.ga.IncomingContact(in, m.Token, card)
	case kindVCF:
		return w.ga.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(card))
	}
	return w.ga.IncomingText(in, textPrefix+m.Token)
}

// deliver pushes body to t as the provider does: the fake's Push, which
// redelivers on a non-200 a few times, again up to rounds times with a
// pause between that doubles up to maxPause, as GREEN-API keeps
// redelivering (every minute; the load cannot wait that long). It reports whether a 200
// came and how many requests it took.
func (w *world) deliver(ctx context.Context, t target, m *Msg, body []byte, rounds int, pause time.Duration) (bool, int) {
	posts := 0
	for r := range rounds {
		if r > 0 {
			if sleep(ctx, pause) != nil {
				break
			}
			pause = min(2*pause, maxPause)
		}
		var statuses []int
		var err error
		if m.Aitu {
			statuses, err = w.ai.Push(ctx, t.aitu, body)
		} else {
			statuses, err = w.ga.Push(ctx, t.greenapi, body)
		}
		posts += len(statuses)
		if err == nil {
			return true, posts
		}
		if ctx.Err() != nil {
			break
		}
	}
	return false, posts
}

// pushOptions shape a run of the pushers.
type pushOptions struct {
	rounds     int
	pause      time.Duration
	stopOnFail bool   // a chat stops at its first message not acknowledged
	onAck      func() // after each acknowledged message
}

// push runs one pusher per chat; each delivers its messages in order, the
// next once the previous is acknowledged (or given up), and a duplicate
// pushed concurrently once its original is acknowledged.
func (w *world) push(ctx context.Context, t target, chats [][]*Msg, o pushOptions) {
	var wg sync.WaitGroup
	for _, msgs := range chats {
		wg.Go(func() {
			for _, m := range msgs {
				if ctx.Err() != nil {
					return
				}
				m.Pushed, m.Start = true, time.Now()
				var n int
				m.OK, n = w.deliver(ctx, t, m, m.Body, o.rounds, o.pause)
				m.Acked = time.Now()
				m.Posts += n
				if !m.OK {
					if o.stopOnFail {
						return
					}
					continue
				}
				if o.onAck != nil {
					o.onAck()
				}
				if m.Dup {
					// A duplicate comes on its own, as a provider's
					// redelivery does: it holds up no message of the chat.
					wg.Go(func() {
						var n int
						m.DupOK, n = w.deliver(ctx, t, m, m.Body, o.rounds, o.pause)
						m.DupPosts = n
					})
				}
			}
		})
	}
	wg.Wait()
}

// expects lists what must be answered: the messages that pass keep.
func expects(chats [][]*Msg, keep func(*Msg) bool) []Expect {
	var out []Expect
	for _, msgs := range chats {
		for _, m := range msgs {
			if keep == nil || keep(m) {
				out = append(out, m.Expect)
			}
		}
	}
	return out
}
