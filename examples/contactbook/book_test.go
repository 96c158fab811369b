package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/webhook"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	ann = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL;TYPE=CELL:+7 900 765-43-21\r\nEND:VCARD\r\n"
	bob = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Ray\r\nTEL:8 (495) 123-45-67\r\nEND:VCARD\r\n"
)

// chat is one user's chat with a contact book bot behind the fake
// GREEN-API.
type chat struct {
	t    *testing.T
	fake *greenapitest.Server
	url  string
	in   greenapitest.Incoming
	seen int // the bot's messages read so far
}

// newChat runs a contact book on st, served to a fake GREEN-API, until the
// test ends; fake may be shared by several bots (instances, or a restart).
func newChat(t *testing.T, fake *greenapitest.Server, st *store) *chat {
	t.Helper()
	client, err := greenapi.New(greenapi.Config{APIURL: fake.URL, IDInstance: fake.IDInstance,
		APITokenInstance: fake.Token, WebhookToken: "hook", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithState(cardbot.StateConfig{Store: st.state, Locker: st.locker, TTL: -1}))
	register(bot)
	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, bot.Shutdown(context.Background()))
	})
	return &chat{t: t, fake: fake, url: srv.URL, in: greenapitest.Incoming{ChatID: "79001234567@c.us"}, seen: len(fake.SentMessages())}
}

// push delivers body and returns the texts the bot answered with.
func (c *chat) push(body []byte) []string {
	c.t.Helper()
	status, err := c.fake.Push(context.Background(), c.url, body)
	require.NoError(c.t, err, "statuses %v", status)
	var texts []string
	sent := c.fake.SentMessages()
	for _, m := range sent[c.seen:] {
		if m.File == nil {
			texts = append(texts, m.Text)
		}
	}
	c.seen = len(sent)
	return texts
}

func (c *chat) say(text string) []string { return c.push(c.fake.IncomingText(c.in, text)) }

func (c *chat) share(vcard string) []string { return c.push(c.fake.IncomingContact(c.in, "", vcard)) }

func (c *chat) upload(vcf string) []string {
	return c.push(c.fake.IncomingDocument(c.in, "contacts.vcf", "text/x-vcard", []byte(vcf)))
}

func memory() *store { return &store{state: cardbot.NewMemoryStateStore(), close: func() {}} }

func newFake(t *testing.T) *greenapitest.Server {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook"))
	t.Cleanup(fake.Close)
	return fake
}

// Every step of the contact book, in one conversation.
func TestSteps(t *testing.T) {
	c := newChat(t, newFake(t), memory())
	steps := []struct {
		do   func() []string
		want []string
	}{
		{func() []string { return c.say("/start") }, []string{help}},
		{func() []string { return c.say("/list") }, []string{"You have no lists yet: /add a contact."}},
		{func() []string { return c.say("/cancel") }, []string{"There is nothing to cancel."}},
		{func() []string { return c.say("/add") }, []string{"Send me a contact: share one, or a .vcf file. /cancel to stop."}},
		{func() []string { return c.say("hello") }, []string{"That is no contact. Share one, or send a .vcf file; /cancel to stop."}},
		{func() []string { return c.upload("no card here") }, []string{"I found no contact in that. Send another, or /cancel."}},
		{func() []string { return c.upload(ann + bob) }, []string{"Which list do they go to?"}},
		{func() []string { return c.say("a/b") }, []string{"A list's name is a word or a few, at most 32 characters, without /. Which list?"}},
		{func() []string { return c.say("work") }, []string{"Saved 2 contact(s) to work."}},
		{func() []string { return c.say("/add") }, []string{"Send me a contact: share one, or a .vcf file. /cancel to stop."}},
		{func() []string { return c.share(ann) }, []string{"Which list do they go to? You have: work."}},
		{func() []string { return c.say("/cancel") }, []string{"Cancelled."}},
		{func() []string { return c.say("family") }, nil}, // no step: an ordinary text, which nothing answers
		{func() []string { return c.say("/list") }, []string{"Your lists:\nwork (2)"}},
		{func() []string { return c.say("/list work") }, []string{"work:\nAnn Lee: +79007654321\nBob Ray: +74951234567"}},
		{func() []string { return c.say("/list home") }, []string{`You have no list "home".`}},
		{func() []string { return c.say("/export") }, []string{"Which list? /export <name>"}},
		{func() []string { return c.say("/export home") }, []string{`You have no list "home".`}},
	}
	for i, s := range steps {
		assert.Equal(t, s.want, s.do(), "step %d", i)
	}

	// /export sends the list as one .vcf file, which reads back as the two
	// cards.
	assert.Empty(t, c.say("/export work"))
	files := c.fake.SentFiles()
	require.Len(t, files, 1)
	assert.Equal(t, "work.vcf", files[0].File.Name)
	cards, err := contactcard.Parse(bytes.NewReader(files[0].File.Data))
	require.NoError(t, err)
	require.Len(t, cards, 2)
	assert.Equal(t, "Ann Lee", cards[0].FormattedName)
	assert.Equal(t, "79007654321", cards[0].Phones[0].Number)
	assert.Equal(t, "Bob Ray", cards[1].FormattedName)
	assert.Equal(t, "74951234567", cards[1].Phones[0].Number)
}

// A conversation goes on across a restart in its middle: the file store
// and Redis keep it.
func TestRestartMidConversation(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) func() *store // each call opens the store anew
	}{
		{"file", func(t *testing.T) func() *store {
			path := "file:" + filepath.Join(t.TempDir(), "book.db")
			return func() *store {
				st, err := openStore(path, "")
				require.NoError(t, err)
				return st
			}
		}},
		{"redis", func(t *testing.T) func() *store {
			url, prefix := redistest.URL(t), redistest.Prefix(t)
			return func() *store {
				st, err := openStore(url, prefix)
				require.NoError(t, err)
				return st
			}
		}},
	}
	for _, tt := range stores {
		t.Run(tt.name, func(t *testing.T) {
			open, fake := tt.open(t), newFake(t)

			first := open()
			before := newChat(t, fake, first)
			assert.Equal(t, []string{"Send me a contact: share one, or a .vcf file. /cancel to stop."}, before.say("/add"))
			assert.Equal(t, []string{"Which list do they go to?"}, before.share(ann))
			first.close() // the process ends between two steps

			second := open()
			t.Cleanup(second.close)
			after := newChat(t, fake, second)
			assert.Equal(t, []string{"Saved 1 contact(s) to family."}, after.say("family"))
			assert.Equal(t, []string{"family:\nAnn Lee: +79007654321"}, after.say("/list family"))
		})
	}
}

func TestOpenStore(t *testing.T) {
	for _, spec := range []string{"nosuch", "file:", "redis://a b"} {
		_, err := openStore(spec, "")
		assert.Error(t, err, spec)
	}
	st, err := openStore("", "")
	require.NoError(t, err)
	st.close()
}
