// Package flowtest runs a counting conversation on bots, for the tests of
// the state stores: each message of a chat is one step of the flow, which
// counts in the conversation's data, and the package checks that every
// step ran exactly once, whichever bot handled it.
package flowtest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Provider is the kit's recording provider, named "alpha", with the
// texts it sent read by chat.
type Provider struct{ *cardbottest.Provider }

// NewProvider returns a Provider named "alpha" that has sent nothing.
func NewProvider() *Provider { return &Provider{cardbottest.NewProvider("alpha")} }

// Sent returns the texts sent to chat.
func (p *Provider) Sent(chat string) []string {
	var out []string
	for _, s := range p.Provider.Sent() {
		if s.Chat == chat {
			out = append(out, s.Text())
		}
	}
	return out
}

// Count registers the counting flow on b: each text message of a chat
// moves its conversation to the state "counting" with the count in its
// data, and sends "step <n>" before the state is saved.
func Count(b *cardbot.Bot) {
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		n, err := cardbot.GetData[int](c)
		if err != nil {
			return err
		}
		n++
		if err := c.Send("step " + strconv.Itoa(n)); err != nil {
			return err
		}
		time.Sleep(time.Millisecond) // widen the window a race would need
		if err := cardbot.SetData(c, n); err != nil {
			return err
		}
		return c.SetState("counting")
	})
}

// Message returns the i-th message of chat, with a key of its own.
func Message(chat string, i int) cardbot.Update {
	return cardbot.Update{
		Kind:    cardbot.KindMessage,
		Chat:    cardbot.Chat{ID: chat, Kind: cardbot.ChatPrivate},
		Sender:  cardbot.User{ID: chat},
		Key:     fmt.Sprint(chat, "/", i),
		Message: &cardbot.Message{ID: fmt.Sprint("m", i), Text: fmt.Sprint("message ", i)},
	}
}

// Race sends n messages of chat at once, message i to bots[i%len(bots)],
// each Dispatch tried again while it fails retryably (as a provider
// delivers again), up to a bound of time.
func Race(t *testing.T, p *Provider, chat string, n int, bots ...*cardbot.Bot) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			b := bots[i%len(bots)]
			deadline := time.Now().Add(30 * time.Second)
			for {
				err := b.Dispatch(context.Background(), p, Message(chat, i))
				if err == nil {
					return
				}
				if !cardbot.IsRetryable(err) || time.Now().After(deadline) {
					assert.NoError(t, err, "Dispatch of message %d", i)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	close(start)
	wg.Wait()
}

// Steps returns "step 1" … "step n".
func Steps(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "step " + strconv.Itoa(i+1)
	}
	return out
}

// RequireSteps waits until chat was sent steps 1 to n, and requires that
// each was sent once and nothing more.
func RequireSteps(t *testing.T, p *Provider, chat string, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(p.Sent(chat)) >= n }, 30*time.Second, 5*time.Millisecond,
		"chat %s was sent %v", chat, p.Sent(chat))
	time.Sleep(20 * time.Millisecond) // a step run twice would come now
	got := p.Sent(chat)
	assert.ElementsMatch(t, Steps(n), got, "each step of the flow must run exactly once")
}

// RequireCount requires that the conversation of chat, in s, counted n.
func RequireCount(t *testing.T, s store.StateStore, chat string, n int) {
	t.Helper()
	rec, err := s.Load(context.Background(), "c\x00alpha\x00"+chat)
	require.NoError(t, err)
	assert.Equal(t, "counting", rec.State)
	assert.Equal(t, strconv.Itoa(n), string(rec.Data))
}
