package cardbot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/cardbot/cardbot"
)

// fakeProvider records what the bot sends, serves files from memory and
// hints a region.
type fakeProvider struct {
	name   string
	region string

	mu        sync.Mutex
	sent      []sentMsg
	sendErr   error
	files     map[string]string // Document.FileName → content
	downloads int
}

type sentMsg struct {
	Chat string
	Out  cardbot.Outgoing
}

func newFake(name string) *fakeProvider {
	return &fakeProvider{name: name, files: map[string]string{}}
}

func (f *fakeProvider) Name() string { return f.name }

func (f *fakeProvider) Send(_ context.Context, chatID string, out cardbot.Outgoing) (cardbot.SentMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return cardbot.SentMessage{}, f.sendErr
	}
	f.sent = append(f.sent, sentMsg{chatID, out})
	return cardbot.SentMessage{ID: "sent-" + chatID}, nil
}

func (f *fakeProvider) Sent() []sentMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMsg(nil), f.sent...)
}

func (f *fakeProvider) Download(_ context.Context, d cardbot.Document) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downloads++
	return io.NopCloser(strings.NewReader(f.files[d.FileName])), nil
}

func (f *fakeProvider) DefaultRegion() string { return f.region }

// sendOnly is a provider that implements nothing but Provider.
type sendOnly struct{ p *fakeProvider }

func (s sendOnly) Name() string { return s.p.Name() }
func (s sendOnly) Send(ctx context.Context, chatID string, out cardbot.Outgoing) (cardbot.SentMessage, error) {
	return s.p.Send(ctx, chatID, out)
}

var quiet = slog.New(slog.DiscardHandler)

// newBot returns a bot that logs nothing.
func newBot(opts ...cardbot.Option) *cardbot.Bot {
	return cardbot.New(append([]cardbot.Option{cardbot.WithLogger(quiet)}, opts...)...)
}

// convKey is the store key of the conversation of chat "c" on the
// provider "alpha", by chat (the default scope).
const convKey = "c\x00alpha\x00c"

// countText adds one to the count the conversation's data holds.
func countText(c *cardbot.Context) error {
	n, err := cardbot.GetData[int](c)
	if err != nil {
		return err
	}
	return cardbot.SetData(c, n+1)
}

func textUpdate(chat, text string) cardbot.Update {
	return cardbot.Update{
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{ID: chat, Kind: cardbot.ChatPrivate},
		Sender:  cardbot.User{ID: chat, Name: "Ann"},
		Message: &cardbot.Message{ID: "m-" + text, Type: "textMessage", Text: text},
	}
}

func keyed(u cardbot.Update, key string) cardbot.Update {
	u.Key = key
	return u
}
