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

// phone is a valid number of the +7 plan, which every provider takes: the
// number of the cards on WhatsApp and Aitu (MAX's are each their own, see
// maxPhone).
const phone = "+7 900 123-45-69"

// Msg is one message of the load and what its delivery gave.
type Msg struct {
	Expect
	Kind   int
	On     messenger // the messenger of its chat
	Sender string    // a member of a group chat (MAX), or ""
	Body   []byte
	Part   []byte // on Aitu: the update alone, for batches of several
	Dup    bool   // delivered a second time once the first is acknowledged

	Start    time.Time // first delivery attempt; zero when never pushed
	Acked    time.Time // the 200, or the giving up
	OK       bool      // acknowledged with 200
	DupOK    bool      // the duplicate was acknowledged
	Posts    int       // webhook requests the message took
	DupPosts int       // and its duplicate
	Pushed   bool
}

// vcard is a card whose first name is the token, so its echo names it.
func vcard(token, tel string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Load;" + token + ";;;\r\nFN:" + token + " Load\r\n" +
		"TEL;TYPE=CELL:" + tel + "\r\nEND:VCARD\r\n"
}

// buildLoad makes the messages of each chat: a mix of texts (60%), shared
// contacts (20%) and .vcf uploads (20%), each with a unique token, a share
// of them delivered twice. The chats are spread over the messengers (-aitu,
// -max).
func buildLoad(w *world, phase string, cfg Config) [][]*Msg {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(len(phase))))
	chats := make([][]*Msg, cfg.Chats)
	for c, on := range spread(cfg.Chats, cfg.AituShare, cfg.MAXShare) {
		var chatID, sender string
		switch on {
		case onWhatsApp:
			chatID = fmt.Sprintf("7900%07d@c.us", c)
		case onMAX:
			chatID, sender = maxChat(c)
		case onAitu:
			chatID = aitu.ChatID(aitu.PeerUser, aitutest.NewUUID())
		}
		msgs := make([]*Msg, cfg.Messages)
		for i := range msgs {
			m := &Msg{Expect: Expect{Token: fmt.Sprintf("%s-c%d-m%d", phase, c, i), ChatID: chatID, Seq: i}, On: on, Sender: sender}
			switch r := rng.IntN(10); {
			case r < 6:
				m.Kind = kindText
			case r < 8:
				m.Kind = kindContact
			default:
				m.Kind = kindVCF
			}
			m.Dup = rng.Float64() < cfg.DupShare
			m.Body = w.body(m, maxPhone(phase, c*cfg.Messages+i))
			msgs[i] = m
		}
		chats[c] = msgs
	}
	return chats
}

// body is m's webhook as its provider sends it. On MAX a card's number is
// maxNumber, whose MAX account names the message.
func (w *world) body(m *Msg, maxNumber string) []byte {
	switch m.On {
	case onAitu:
		in := aitutest.Incoming{ChatID: m.ChatID}
		switch m.Kind {
		case kindContact:
			m.Part = w.ai.IncomingUnregisteredContact(in, m.Token, "Load", phone)
		case kindVCF:
			m.Part = w.ai.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(vcard(m.Token, phone)))
		default:
			m.Part = w.ai.IncomingText(in, textPrefix+m.Token)
		}
		return aitutest.Batch(m.Part)
	case onMAX:
		in := greenapitest.Incoming{ChatID: m.ChatID, Sender: m.Sender, IDMessage: w.messageID(onMAX)}
		account := maxAccount(maxNumber)
		switch m.Kind {
		case kindContact:
			// MAX shares a contact by its account, with no vCard.
			w.setAccount(maxNumber, account, m.Token)
			return w.mx.IncomingMAXContact(in, m.Token+" Load", account, maxNumber)
		case kindVCF:
			// The bot finds the card's account in the contact base.
			w.setAccount(maxNumber, account, m.Token)
			return w.mx.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(vcard(m.Token, "+"+maxNumber)))
		}
		return w.mx.IncomingText(in, textPrefix+m.Token)
	}
	in := greenapitest.Incoming{ChatID: m.ChatID, IDMessage: w.messageID(onWhatsApp)}
	switch m.Kind {
	case kindContact:
		return w.wa.IncomingContact(in, m.Token, vcard(m.Token, phone))
	case kindVCF:
		return w.wa.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(vcard(m.Token, phone)))
	}
	return w.wa.IncomingText(in, textPrefix+m.Token)
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
		switch m.On {
		case onAitu:
			statuses, err = w.ai.Push(ctx, t.hooks[onAitu], body)
		case onMAX:
			statuses, err = w.mx.Push(ctx, t.hooks[onMAX], body)
		default:
			statuses, err = w.wa.Push(ctx, t.hooks[onWhatsApp], body)
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
