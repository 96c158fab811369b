package sandbox

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

// greenapiPeer plays GREEN-API, for WhatsApp, MAX or Telegram, with
// greenapitest.
type greenapiPeer struct {
	fake   *greenapitest.Server
	client *greenapi.Client
	kind   greenapi.Messenger
}

// newGreenAPIPeer starts the fake and a client of it that makes its calls
// with hc; every message the fake accepts goes to onReply.
func newGreenAPIPeer(kind greenapi.Messenger, region string, hc *http.Client, onReply func(Reply)) (*greenapiPeer, error) {
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	p := &greenapiPeer{kind: kind}
	opts := []greenapitest.Option{
		greenapitest.WithWebhookToken(token),
		greenapitest.WithSentHook(func(m greenapitest.SentMessage) { onReply(greenapiReply(m)) }),
	}
	switch kind {
	case greenapi.MAX:
		opts = append(opts, greenapitest.WithMAX())
	case greenapi.Telegram:
		opts = append(opts, greenapitest.WithTelegram())
	}
	p.fake = greenapitest.NewServer(opts...)
	cfg := p.fake.Config()
	cfg.DefaultRegion, cfg.HTTPClient = region, hc
	// The sandbox's contact base grows with every card the user sends
	// (onMAX), just before the bot looks: the bot reads it again on every
	// miss.
	cfg.MAXContacts.Refresh = time.Nanosecond
	if p.client, err = greenapi.New(cfg); err != nil {
		p.fake.Close()
		return nil, fmt.Errorf("sandbox: GREEN-API client: %w", err)
	}
	return p, nil
}

func (p *greenapiPeer) source() webhook.Source { return p.client }

// chatID: WhatsApp chats are "<phone>@c.us" and the group "<id>@g.us"; MAX
// and Telegram chats are numbers, the group's negative.
func (p *greenapiPeer) chatID(f from) string {
	numeric := p.kind == greenapi.MAX || p.kind == greenapi.Telegram
	switch {
	case numeric && f.group:
		return "-10000000000001"
	case numeric:
		return strconv.Itoa(10000000 + f.index)
	case f.group:
		return "120363000000000001@g.us"
	}
	return f.user.Phone + "@c.us"
}

func (p *greenapiPeer) in(f from) greenapitest.Incoming {
	in := greenapitest.Incoming{ChatID: p.chatID(f), SenderName: f.user.Name}
	if f.group {
		in.Sender = p.chatID(from{user: f.user, index: f.index})
	}
	if p.kind == greenapi.MAX || p.kind == greenapi.Telegram {
		in.SenderPhone = f.user.Phone
	}
	return in
}

func (p *greenapiPeer) text(f from, body string) []byte { return p.fake.IncomingText(p.in(f), body) }

func (p *greenapiPeer) contact(f from, vcard []byte) []byte {
	if p.kind == greenapi.Telegram {
		return p.telegramContact(f, vcard)
	}
	p.onMAX(vcard)
	return p.fake.IncomingContact(p.in(f), "", string(vcard))
}

// telegramContact is the contact of vcard as Telegram shares it: the
// first card's phone and names as fields, and an empty vcard.
func (p *greenapiPeer) telegramContact(f from, vcard []byte) []byte {
	var first, last, phone string
	if cards, _ := contactcard.Parse(strings.NewReader(string(vcard))); len(cards) > 0 {
		c := cards[0]
		first, last = c.FirstName, c.LastName
		if first == "" && last == "" {
			first = c.FormattedName
		}
		if ph, ok := c.PrimaryPhone(); ok {
			phone = strings.TrimPrefix(ph.Number, "+")
		} else if len(c.Phones) > 0 {
			phone = c.Phones[0].Raw
		}
	}
	return p.fake.IncomingTelegramContact(p.in(f), first, last, phone, "")
}

func (p *greenapiPeer) vcf(f from, name string, data []byte) []byte {
	p.onMAX(data)
	return p.fake.IncomingDocument(p.in(f), name, "text/x-vcard", data)
}

// onMAX plays MAX's directory: in the sandbox every Russian and Belarusian
// number of a card the user sends has a MAX account in the instance's
// contact base, so that the bot can share it back; others are not on MAX.
func (p *greenapiPeer) onMAX(vcard []byte) {
	if p.kind != greenapi.MAX {
		return
	}
	cards, _ := contactcard.Parse(strings.NewReader(string(vcard)))
	for _, c := range cards {
		for _, ph := range c.Phones {
			if len(ph.Number) >= 8 && (strings.HasPrefix(ph.Number, "7") || strings.HasPrefix(ph.Number, "375")) {
				// A MAX chat id of 8 digits made of the whole number, so
				// that two numbers of one card get two accounts.
				h := fnv.New32a()
				_, _ = h.Write([]byte(ph.Number))
				p.fake.AddMAXContact(ph.Number, strconv.FormatUint(uint64(20000000+h.Sum32()%70000000), 10), c.FormattedName)
			}
		}
	}
}

func (p *greenapiPeer) authorize(r *http.Request) {
	r.Header.Set("Authorization", "Bearer "+p.fake.WebhookToken)
}

func (p *greenapiPeer) replies() []Reply {
	var out []Reply
	for _, m := range p.fake.SentMessages() {
		out = append(out, greenapiReply(m))
	}
	return out
}

func greenapiReply(m greenapitest.SentMessage) Reply {
	r := Reply{Chat: m.ChatID, Text: m.Text}
	if f := m.File; f != nil {
		r.Text, r.Document = f.Caption, document(f.Name, f.ContentType, f.Data)
	}
	if c := m.Contact; c != nil {
		r.Contact = &ReplyContact{Account: c.ChatID, FirstName: c.FirstName, LastName: c.LastName, Company: c.Company}
		if c.PhoneContact != 0 {
			r.Contact.Phone = strconv.FormatInt(c.PhoneContact, 10)
		}
	}
	return r
}

// redact hides the API token, which GREEN-API carries in the path.
func (p *greenapiPeer) redact(path string) string {
	if p.fake.Token == "" {
		return path
	}
	return strings.ReplaceAll(path, p.fake.Token, "{apiTokenInstance}")
}

// isSend: the methods that send a message ("/waInstance<id>/sendMessage/…").
func (p *greenapiPeer) isSend(r *http.Request) bool {
	return strings.HasPrefix(greenapiMethod(r.URL.Path), "send")
}

// greenapiMethod is the method segment of a GREEN-API path, or "".
func greenapiMethod(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range parts {
		if strings.HasPrefix(s, "waInstance") && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return ""
}

func (p *greenapiPeer) close() { p.fake.Close() }
