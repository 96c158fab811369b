package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// greenapiPeer plays GREEN-API, for WhatsApp or MAX, with greenapitest.
type greenapiPeer struct {
	fake *greenapitest.Server
	kind greenapi.Messenger
	chat string // the sandbox user's chat
}

func newGreenAPIPeer(name string, kind greenapi.Messenger, log *slog.Logger) *greenapiPeer {
	opts := []greenapitest.Option{
		greenapitest.WithWebhookToken("sandbox-webhook-token"),
		greenapitest.WithSentHook(func(m greenapitest.SentMessage) {
			log.Info("sandbox: the bot sent", "messenger", name, "method", m.Method, "chat", m.ChatID, "text", m.Text, "contact", m.Contact)
		}),
	}
	p := &greenapiPeer{kind: kind, chat: "79001234567@c.us"}
	if kind == greenapi.MAX {
		opts = append(opts, greenapitest.WithMAX())
		p.chat = "10000000"
	}
	p.fake = greenapitest.NewServer(opts...)
	return p
}

// config points the GREEN-API settings at the fake server.
func (p *greenapiPeer) config(c greenapi.Config) greenapi.Config {
	f := p.fake.Config()
	c.APIURL, c.IDInstance, c.APITokenInstance, c.WebhookToken = f.APIURL, f.IDInstance, f.APITokenInstance, f.WebhookToken
	return c
}

func (p *greenapiPeer) in() greenapitest.Incoming { return greenapitest.Incoming{ChatID: p.chat} }

func (p *greenapiPeer) text(body string) []byte { return p.fake.IncomingText(p.in(), body) }

func (p *greenapiPeer) contact(vcard []byte) []byte {
	p.onMAX(vcard)
	return p.fake.IncomingContact(p.in(), "", string(vcard))
}

func (p *greenapiPeer) vcf(data []byte) []byte {
	p.onMAX(data)
	return p.fake.IncomingDocument(p.in(), "contacts.vcf", "text/x-vcard", data)
}

// onMAX plays MAX's directory: in the sandbox every Russian and Belarusian
// number of a card the user sends has a MAX account, so the bot can share
// it back.
func (p *greenapiPeer) onMAX(vcard []byte) {
	if p.kind != greenapi.MAX {
		return
	}
	cards, _ := contactcard.Parse(strings.NewReader(string(vcard)))
	for _, c := range cards {
		for _, ph := range c.Phones {
			if strings.HasPrefix(ph.Number, "7") || strings.HasPrefix(ph.Number, "375") {
				id, _ := strconv.ParseInt(ph.Number[len(ph.Number)-8:], 10, 64)
				p.fake.AddMAXAccount(ph.Number, strconv.FormatInt(20000000+id%10000000, 10))
			}
		}
	}
}

func (p *greenapiPeer) push(ctx context.Context, url string, body []byte) error {
	_, err := p.fake.Push(ctx, url, body)
	return err
}

func (p *greenapiPeer) replies() []reply {
	var out []reply
	for _, m := range p.fake.SentMessages() {
		r := reply{Chat: m.ChatID, Text: m.Text}
		if c := m.Contact; c != nil {
			r.Contact = &replyContact{Account: c.ChatID, FirstName: c.FirstName, LastName: c.LastName, Company: c.Company}
			if c.PhoneContact != 0 {
				r.Contact.Phone = strconv.FormatInt(c.PhoneContact, 10)
			}
		}
		out = append(out, r)
	}
	return out
}

func (p *greenapiPeer) close() { p.fake.Close() }
