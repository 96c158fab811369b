package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/store"
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
	bot  *cardbot.Bot
	url  string
	in   greenapitest.Incoming
	seen int // the bot's messages read so far
}

// newChat runs a contact book on st, served to a fake GREEN-API, until the
// test ends; fake may be shared by several bots (instances, or a restart).
func newChat(t *testing.T, fake *greenapitest.Server, st *storage) *chat {
	t.Helper()
	return newChatOf(t, fake, cardbot.StateConfig{Store: st.state, Locker: st.locker, TTL: -1}, register)
}

// newChatOf runs a bot of the handlers that handlers adds, keeping its
// conversations as cfg says. Its client does not retry, so that a failure
// shows at once.
func newChatOf(t *testing.T, fake *greenapitest.Server, cfg cardbot.StateConfig, handlers func(*cardbot.Bot)) *chat {
	t.Helper()
	client, err := greenapi.New(greenapi.Config{APIURL: fake.URL, IDInstance: fake.IDInstance,
		APITokenInstance: fake.Token, WebhookToken: "hook", MaxRetries: -1, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithProviders(client), cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithState(cfg))
	handlers(bot)
	h, err := webhook.NewHandler(bot, client, webhook.Config{})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, bot.Shutdown(context.Background()))
	})
	return &chat{t: t, fake: fake, bot: bot, url: srv.URL, in: greenapitest.Incoming{ChatID: "79001234567@c.us"}, seen: len(fake.SentMessages())}
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

func memory() *storage { return &storage{state: store.NewMemoryStateStore(), close: func() {}} }

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
		open func(t *testing.T) func() *storage // each call opens the store anew
	}{
		{"file", func(t *testing.T) func() *storage {
			path := "file:" + filepath.Join(t.TempDir(), "book.db")
			return func() *storage {
				st, err := openStore(path, "")
				require.NoError(t, err)
				return st
			}
		}},
		{"redis", func(t *testing.T) func() *storage {
			url, prefix := testRedis(t)
			return func() *storage {
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
	// A Redis URL's error hides its password; a prefix that would break
	// the keys' hash tags is refused before anything is stored.
	_, err := openStore("redis://bot:s3cr3t@127.0.0.1:port", "")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	_, err = openStore("redis://127.0.0.1:6379", "book{1}")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Prefix")
	st, err := openStore("", "")
	require.NoError(t, err)
	st.close()
}

// A book that would grow over StateConfig.MaxData is not saved: the user
// is told, and the step stays.
func TestBookFull(t *testing.T) {
	cards, err := contactcard.Parse(strings.NewReader(ann))
	require.NoError(t, err)
	e, err := entryOf(cards[0])
	require.NoError(t, err)
	draft, err := json.Marshal(book{Draft: []entry{e}})
	require.NoError(t, err)

	// The cap takes the draft, not a list with it.
	c := newChatOf(t, newFake(t), cardbot.StateConfig{MaxData: len(draft)}, register)
	assert.Equal(t, []string{"Send me a contact: share one, or a .vcf file. /cancel to stop."}, c.say("/add"))
	assert.Equal(t, []string{"Which list do they go to?"}, c.share(ann))
	assert.Equal(t, []string{"Your contact book is full: /export a list and start a new chat with me."}, c.say("work"))
	assert.Equal(t, []string{"Cancelled."}, c.say("/cancel"), "the step stayed")
	assert.Equal(t, []string{"You have no lists yet: /add a contact."}, c.say("/list"))
}

// Data an older version of the bot kept in another shape is not taken for
// a book, nor overwritten: every step that reads the book fails, and the
// update is answered, for a delivery again would fail the same.
func TestOlderData(t *testing.T) {
	tests := []struct {
		name  string
		state string // the step the older version left the chat in
		send  func(c *chat) []byte
	}{
		{"list", "", func(c *chat) []byte { return c.fake.IncomingText(c.in, "/list") }},
		{"export", "", func(c *chat) []byte { return c.fake.IncomingText(c.in, "/export work") }},
		{"contact to add", askContact, func(c *chat) []byte { return c.fake.IncomingContact(c.in, "", ann) }},
		{"list to add to", askList, func(c *chat) []byte { return c.fake.IncomingText(c.in, "family") }},
		{"cancel", askList, func(c *chat) []byte { return c.fake.IncomingText(c.in, "/cancel") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, st := newFake(t), memory()
			cfg := cardbot.StateConfig{Store: st.state, TTL: -1}
			older := newChatOf(t, fake, cfg, func(b *cardbot.Bot) {
				b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
					if err := cardbot.SetData(c, map[string]string{"lists": "work: Ann Lee"}); err != nil {
						return err
					}
					return c.SetState(tt.state)
				})
			})
			older.say("remember")
			c := newChatOf(t, fake, cfg, register)
			before, err := c.bot.ChatState(context.Background(), "greenapi", c.in.ChatID)
			require.NoError(t, err)

			statuses, err := fake.Push(context.Background(), c.url, tt.send(c))
			require.NoError(t, err)
			assert.Equal(t, []int{http.StatusOK}, statuses)
			assert.Empty(t, fake.SentMessages()[c.seen:], "the user is told nothing")
			after, err := c.bot.ChatState(context.Background(), "greenapi", c.in.ChatID)
			require.NoError(t, err)
			assert.Equal(t, before.Data, after.Data)
			assert.Equal(t, tt.state, after.State)
		})
	}
}

// A .vcf that cannot be downloaded fails the update, so that GREEN-API
// delivers it again, and keeps the step.
func TestDownloadFails(t *testing.T) {
	c := newChat(t, newFake(t), memory())
	c.say("/add")
	gone := greenapitest.NewServer()
	in := c.in
	in.IDMessage = "BAE5F11E000000000001" // not an id of c.fake's messages, which the bot has handled
	body := gone.IncomingDocument(in, "contacts.vcf", "text/x-vcard", []byte(ann))
	gone.Close() // the file's URL answers no more
	statuses, err := c.fake.Push(context.Background(), c.url, body)
	require.Error(t, err)
	assert.Equal(t, []int{http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusServiceUnavailable}, statuses)
	rec, err := c.bot.ChatState(context.Background(), "greenapi", c.in.ChatID)
	require.NoError(t, err)
	assert.Equal(t, askContact, rec.State)
	assert.Equal(t, []string{"Which list do they go to?"}, c.upload(ann), "the next delivery goes on")
}
