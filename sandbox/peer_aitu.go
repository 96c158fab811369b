package sandbox

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/webhook"
)

// aituPeer plays the Aitu Bot API with aitutest.
type aituPeer struct {
	fake   *aitutest.Server
	client *aitu.Client
	users  []string // each user's id, also their USER dialog's
	group  string   // the group's dialog id
}

// newAituPeer starts the fake and a client of it that makes its calls with
// hc; every command the fake accepts goes to onReply.
func newAituPeer(hc *http.Client, onReply func(Reply)) (*aituPeer, error) {
	p := &aituPeer{group: aitutest.NewUUID()}
	for range users {
		p.users = append(p.users, aitutest.NewUUID())
	}
	p.fake = aitutest.NewServer(aitutest.WithSentHook(func(c aitutest.SentMessage) { onReply(p.reply(c)) }))
	cfg := p.fake.Config()
	cfg.HTTPClient = hc
	var err error
	if p.client, err = aitu.New(cfg); err != nil {
		p.fake.Close()
		return nil, fmt.Errorf("sandbox: Aitu client: %w", err)
	}
	return p, nil
}

func (p *aituPeer) source() webhook.Source { return p.client }

func (p *aituPeer) chatID(f from) string {
	if f.group {
		return aitu.ChatID(aitu.PeerGroup, p.group)
	}
	return aitu.ChatID(aitu.PeerUser, p.users[f.index])
}

func (p *aituPeer) in(f from) aitutest.Incoming {
	in := aitutest.Incoming{ChatID: p.chatID(f), SenderID: p.users[f.index], SenderName: f.user.Name}
	if f.group {
		in.Title = groupTitle
	}
	return in
}

func (p *aituPeer) text(f from, body string) []byte {
	return aitutest.Batch(p.fake.IncomingText(p.in(f), body))
}

// contact turns a vCard into the contacts Aitu shares: names and a phone,
// one update per card (Aitu carries no vCards).
func (p *aituPeer) contact(f from, vcard []byte) []byte {
	cards, _ := contactcard.Parse(strings.NewReader(string(vcard)))
	var updates [][]byte
	for _, c := range cards {
		phone := ""
		if len(c.Phones) > 0 {
			phone = c.Phones[0].Raw
		}
		updates = append(updates, p.fake.IncomingUnregisteredContact(p.in(f), c.FirstName, c.LastName, phone))
	}
	if len(updates) == 0 { // no card: the bot sees an empty contact
		updates = append(updates, p.fake.IncomingUnregisteredContact(p.in(f), "", "", ""))
	}
	return aitutest.Batch(updates...)
}

func (p *aituPeer) vcf(f from, name string, data []byte) []byte {
	return aitutest.Batch(p.fake.IncomingDocument(p.in(f), name, "text/x-vcard", data))
}

// authorize adds nothing: Aitu signs nothing, its route is the secret.
func (p *aituPeer) authorize(*http.Request) {}

func (p *aituPeer) replies() []Reply {
	var out []Reply
	for _, c := range p.fake.SentMessages() {
		out = append(out, p.reply(c))
	}
	return out
}

func (p *aituPeer) reply(c aitutest.SentMessage) Reply {
	r := Reply{Chat: aitu.ChatID(c.Recipient.Type, c.Recipient.ID)}
	if c.Content != nil {
		r.Text = *c.Content
	}
	if len(c.MediaList) > 0 {
		for _, u := range p.fake.Uploads() {
			if u.FileID == c.MediaList[0].FileID {
				r.Document = document(c.MediaList[0].Name, u.ContentType, u.Data)
			}
		}
	}
	if m := c.InputMedia; m != nil {
		r.Contact = &ReplyContact{Phone: strings.TrimPrefix(m.PhoneNumber, "+"), Account: m.UserID, FirstName: m.FirstName, LastName: m.LastName}
	}
	return r
}

// redact has nothing to hide: the token travels in a header, which the
// sandbox does not show.
func (p *aituPeer) redact(path string) string { return path }

// isSend: commands are sent with POST updates/.
func (p *aituPeer) isSend(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/updates")
}

func (p *aituPeer) close() { p.fake.Close() }
