package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/store"
)

func TestKindNames(t *testing.T) {
	tests := []struct {
		name string
		v    fmt.Stringer
		want string
	}{
		{"message", cardbot.KindMessage, "message"},
		{"status", cardbot.KindStatus, "status"},
		{"other kind", cardbot.UpdateKind(0), "other"},
		{"unknown kind", cardbot.UpdateKind(99), "other"},
		{"private", cardbot.ChatPrivate, "private"},
		{"group", cardbot.ChatGroup, "group"},
		{"channel", cardbot.ChatChannel, "channel"},
		{"unknown chat", cardbot.ChatUnknown, "unknown"},
		{"chat kind out of range", cardbot.ChatKind(99), "unknown"},
		{"scope", cardbot.ScopeUserInChat, "ScopeUserInChat"},
		{"scope out of range", cardbot.StateScope(42), "StateScope(42)"},
		{"event", cardbot.OnStatus, "OnStatus"},
		{"event out of range", cardbot.Event(77), "Event(77)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.v.String()) })
	}
}

// endFailing is a MemoryDedupStore whose End fails.
type endFailing struct{ *store.MemoryDedupStore }

func (endFailing) End(context.Context, string, bool) error { return errors.New("dedup store gone") }

// TestDedupEndFailureIsLogged: an update is handled when the dedup store
// cannot record it as done; the bot logs the failure and Dispatch succeeds.
func TestDedupEndFailureIsLogged(t *testing.T) {
	log, out := logged()
	b := cardbot.New(cardbot.WithLogger(log),
		cardbot.WithDedupStore(endFailing{store.NewMemoryDedupStore(store.MemoryDedupConfig{TTL: time.Hour})}))
	handled := 0
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { handled++; return nil })
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), keyed(textUpdate("c", "hi"), "k1")))
	assert.Equal(t, 1, handled)
	assert.Contains(t, out.String(), "dedup store failed")
	assert.Contains(t, out.String(), "dedup store gone")
}

// TestReplyWithoutMessage: Reply to an update that carries no message
// sends the text quoting nothing.
func TestReplyWithoutMessage(t *testing.T) {
	b := newBot()
	b.Handle(cardbot.OnStatus, func(c *cardbot.Context) error { return c.Reply("seen") })
	f := newFake("fake")
	status := cardbot.Update{Kind: cardbot.KindStatus, Chat: cardbot.Chat{ID: "c"}, Status: &cardbot.Status{MessageID: "m", Name: "read"}}
	require.NoError(t, b.Dispatch(t.Context(), f, status))
	sent := f.Sent()
	require.Len(t, sent, 1)
	assert.Equal(t, cardbot.Text{Body: "seen"}, sent[0].Out)
}

// TestContactsWithoutMessage: an update without a message has no cards and
// no error.
func TestContactsWithoutMessage(t *testing.T) {
	c := cardbot.NewContext(t.Context(), nil, newFake("fake"), &cardbot.Update{Kind: cardbot.KindStatus})
	cards, err := c.Contacts()
	require.NoError(t, err)
	assert.Empty(t, cards)
}

// TestObservedSendOfAFile: a send of a file is observed with the method
// "file".
func TestObservedSendOfAFile(t *testing.T) {
	var rec cardbottest.Observations
	f := newFake("fake")
	b := newBot(cardbot.WithObserver(&rec), cardbot.WithProviders(f))
	_, err := b.Send(t.Context(), "fake", "c", cardbot.File{Name: "a.txt", Data: []byte("x")})
	require.NoError(t, err)
	require.Len(t, f.Sent(), 1)
	assert.Equal(t, []cardbot.Observation{{Kind: cardbot.ObsSent, Provider: "fake", Method: "file", Outcome: cardbot.OutcomeOK}},
		rec.Of(cardbot.ObsSent))
}

// TestEncodeUpdateFailure: an update JSON cannot carry (a time past year
// 9999) fails to encode, rather than being stored wrong.
func TestEncodeUpdateFailure(t *testing.T) {
	u := textUpdate("c", "hi")
	u.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	b, err := cardbot.EncodeUpdate(&u)
	require.ErrorContains(t, err, "cardbot: encoding an update")
	assert.Nil(t, b)
}

func TestBotLogger(t *testing.T) {
	l, _ := logged()
	assert.Same(t, l, cardbot.New(cardbot.WithLogger(l)).Logger())
	assert.NotNil(t, cardbot.New().Logger(), "a bot always has a logger")
}

// beginFailing is a dedup store that cannot be reached.
type beginFailing struct{ endFailing }

func (beginFailing) Begin(context.Context, string) (store.DedupState, error) {
	return 0, errors.New("dedup store gone")
}

// TestDedupBeginFailure: an update whose key the dedup store cannot check
// is not handled, and Dispatch fails retryably so that it comes again.
func TestDedupBeginFailure(t *testing.T) {
	b := newBot(cardbot.WithDedupStore(beginFailing{}))
	handled := 0
	b.Handle(cardbot.OnText, func(*cardbot.Context) error { handled++; return nil })
	err := b.Dispatch(t.Context(), newFake("fake"), keyed(textUpdate("c", "hi"), "k1"))
	require.ErrorContains(t, err, "dedup store gone")
	assert.True(t, cardbot.IsRetryable(err))
	assert.Zero(t, handled)
	require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), textUpdate("c", "no key")), "an update without a key is not checked")
	assert.Equal(t, 1, handled)
}
