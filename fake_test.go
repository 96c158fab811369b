package cardbot_test

import (
	"log/slog"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/store"
)

// fakeProvider is the kit's provider: it records what the bot sends,
// serves files from memory and hints a region.
type fakeProvider = cardbottest.Provider

// sentMsg is a message the fake sent.
type sentMsg = cardbottest.Sent

func newFake(name string) *fakeProvider { return cardbottest.NewProvider(name) }

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

// durable is a Queue that is not a store.InProcess (its MemoryQueue's
// methods but InProcess), so that the bot encodes each update and treats
// the queue as one that keeps what it holds.
type durable struct{ adminQueue }

// adminQueue is a Queue with its dead-letter admin, as the queues of this
// module are.
type adminQueue interface {
	store.Queue
	store.DeadLetterAdmin
}

// logged returns a logger that writes to a new buffer, and the buffer.
func logged() (*slog.Logger, *apitest.SyncBuffer) {
	l := new(apitest.SyncBuffer)
	return slog.New(slog.NewTextHandler(l, nil)), l
}
