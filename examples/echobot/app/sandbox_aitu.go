package app

import (
	"context"
	"log/slog"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// aituPeer plays the Aitu Bot API with aitutest.
type aituPeer struct {
	fake *aitutest.Server
	chat string // the sandbox user's dialog, "USER:<uuid>"
}

func newAituPeer(log *slog.Logger) *aituPeer {
	p := &aituPeer{chat: aitu.ChatID(aitu.PeerUser, aitutest.NewUUID())}
	p.fake = aitutest.NewServer(aitutest.WithSentHook(func(c aitutest.SentCommand) {
		log.Info("sandbox: the bot sent", "messenger", "aitu", "command", c.Type, "chat", aitu.ChatID(c.Recipient.Type, c.Recipient.ID))
	}))
	return p
}

// config points the Aitu settings at the fake server.
func (p *aituPeer) config(c aitu.Config) aitu.Config {
	f := p.fake.Config()
	c.BaseURL, c.Token = f.BaseURL, f.Token
	return c
}

func (p *aituPeer) in() aitutest.Incoming { return aitutest.Incoming{ChatID: p.chat} }

func (p *aituPeer) text(body string) []byte {
	return aitutest.Batch(p.fake.IncomingText(p.in(), body))
}

// contact turns a vCard into the contacts Aitu shares: names and a phone,
// one update per card (Aitu carries no vCards).
func (p *aituPeer) contact(vcard []byte) []byte {
	cards, _ := contactcard.Parse(strings.NewReader(string(vcard)))
	var updates [][]byte
	for _, c := range cards {
		phone := ""
		if len(c.Phones) > 0 {
			phone = c.Phones[0].Raw
		}
		updates = append(updates, p.fake.IncomingUnregisteredContact(p.in(), c.FirstName, c.LastName, phone))
	}
	if len(updates) == 0 { // no card: let the bot see an empty contact
		updates = append(updates, p.fake.IncomingUnregisteredContact(p.in(), "", "", ""))
	}
	return aitutest.Batch(updates...)
}

func (p *aituPeer) vcf(data []byte) []byte {
	return aitutest.Batch(p.fake.IncomingDocument(p.in(), "contacts.vcf", "text/x-vcard", data))
}

func (p *aituPeer) push(ctx context.Context, url string, body []byte) error {
	_, err := p.fake.Push(ctx, url, body)
	return err
}

func (p *aituPeer) replies() []reply {
	var out []reply
	for _, c := range p.fake.SentCommands() {
		r := reply{Chat: aitu.ChatID(c.Recipient.Type, c.Recipient.ID)}
		if c.Content != nil {
			r.Text = *c.Content
		}
		if m := c.InputMedia; m != nil {
			r.Contact = &replyContact{Phone: strings.TrimPrefix(m.PhoneNumber, "+"), Account: m.UserID, FirstName: m.FirstName, LastName: m.LastName}
		}
		out = append(out, r)
	}
	return out
}

func (p *aituPeer) close() { p.fake.Close() }
