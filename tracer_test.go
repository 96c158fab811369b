package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
)

// spanKey marks a context as one a fakeTracer started.
type spanKey struct{}

// fakeTracer records the spans the bot starts and how they end.
type fakeTracer struct {
	mu    sync.Mutex
	spans []string
}

func (f *fakeTracer) add(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.spans = append(f.spans, s)
}

func (f *fakeTracer) get() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.spans...)
}

func (f *fakeTracer) StartReceive(ctx context.Context, u *cardbot.Update) (context.Context, func(error)) {
	return context.WithValue(ctx, spanKey{}, "receive"), func(err error) { f.add(fmt.Sprintf("receive %s: %v", u.Key, err)) }
}

func (f *fakeTracer) Inject(ctx context.Context) map[string]string {
	if s, ok := ctx.Value(spanKey{}).(string); ok {
		return map[string]string{"span": s}
	}
	return nil
}

func (f *fakeTracer) StartHandle(ctx context.Context, u *cardbot.Update) (context.Context, func(string, error)) {
	parent := u.Trace["span"]
	return context.WithValue(ctx, spanKey{}, "handle"), func(route string, err error) {
		f.add(fmt.Sprintf("handle %s under %q by %s: %v", u.Key, parent, route, err))
	}
}

func (f *fakeTracer) StartSend(ctx context.Context, provider, method string) (context.Context, func(error)) {
	within, _ := ctx.Value(spanKey{}).(string)
	return ctx, func(err error) { f.add(fmt.Sprintf("send %s %s within %s: %v", provider, method, within, err)) }
}

// TestTracerSpans: Dispatch, the handling and each send start a span each,
// ended with their outcome; in async mode the handling's span is linked to
// the receive span through the trace context the update carries.
func TestTracerSpans(t *testing.T) {
	failed := errors.New("failed")
	handler := func(c *cardbot.Context) error {
		if err := c.Send("echo " + c.Text()); err != nil {
			return err
		}
		if c.Text() == "fail" {
			return failed
		}
		return nil
	}
	t.Run("sync", func(t *testing.T) {
		tr := &fakeTracer{}
		b := newBot(cardbot.WithTracer(tr))
		b.Handle(cardbot.OnText, handler)
		p := newFake("fake")
		require.NoError(t, b.Dispatch(t.Context(), p, keyed(textUpdate("c", "hi"), "1")))
		require.ErrorIs(t, b.Dispatch(t.Context(), p, keyed(textUpdate("c", "fail"), "2")), failed)
		assert.Equal(t, []string{
			"send fake text within handle: <nil>",
			`handle 1 under "" by OnText: <nil>`,
			"receive 1: <nil>",
			"send fake text within handle: <nil>",
			`handle 2 under "" by OnText: failed`,
			"receive 2: failed",
		}, tr.get())
	})
	t.Run("async", func(t *testing.T) {
		tr := &fakeTracer{}
		b := newBot(cardbot.WithTracer(tr), delivery.WithAsync(delivery.Config{}))
		b.Handle(cardbot.OnText, handler)
		require.NoError(t, b.Dispatch(t.Context(), newFake("fake"), keyed(textUpdate("c", "hi"), "1")))
		require.NoError(t, b.Shutdown(t.Context()))
		// The handling may end before Dispatch returns: the order of the
		// receive span and the others is not fixed.
		assert.ElementsMatch(t, []string{
			"receive 1: <nil>",
			"send fake text within handle: <nil>",
			`handle 1 under "receive" by OnText: <nil>`,
		}, tr.get())
	})
	t.Run("Bot.Send", func(t *testing.T) {
		tr := &fakeTracer{}
		p := newFake("fake")
		p.FailSends(failed)
		b := newBot(cardbot.WithTracer(tr), cardbot.WithProviders(p))
		_, err := b.Send(t.Context(), "fake", "c", cardbot.Contact{Card: twoCards(t)[0]})
		require.ErrorIs(t, err, failed)
		assert.Equal(t, []string{"send fake contact within : failed"}, tr.get())
	})
}
