package cardbot_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
)

// leasedQueue is a durable queue whose deliveries are owned until the test
// ends the lease.
type leasedQueue struct {
	durable
	owned context.Context
}

func (q *leasedQueue) Consume(ctx context.Context, deliver func(store.Delivery)) error {
	return q.durable.Consume(ctx, func(d store.Delivery) {
		d.Owned = q.owned
		deliver(d)
	})
}

// slowProvider holds each Send until released, and records the state of
// the send's context then.
type slowProvider struct {
	*cardbottest.Provider
	writing chan struct{} // a send reached the provider
	release chan struct{}

	mu     sync.Mutex
	ctxErr []error
}

func newSlowProvider() *slowProvider {
	p := &slowProvider{Provider: cardbottest.NewProvider("slow"), writing: make(chan struct{}, 2), release: make(chan struct{})}
	p.OnSend(func(ctx context.Context, _ string, _ cardbot.Outgoing) error {
		p.writing <- struct{}{}
		<-p.release // the request is at the provider: what its context does now is what counts
		p.mu.Lock()
		p.ctxErr = append(p.ctxErr, ctx.Err())
		p.mu.Unlock()
		return ctx.Err()
	})
	return p
}

// TestLostLeaseSparesTheSendUnderWay: the queue gives the update's
// partition away while its handler's send is at the provider. The send is
// not cancelled; the handler's context ends, and a send it starts after
// the loss fails before reaching the provider.
func TestLostLeaseSparesTheSendUnderWay(t *testing.T) {
	owned, lose := context.WithCancel(context.Background())
	defer lose()
	q := &leasedQueue{durable: durable{store.NewMemoryQueue(0, 0)}, owned: owned}
	p := newSlowProvider()
	b := newBot(delivery.WithAsync(delivery.Config{Queue: q, MaxAttempts: -1}))
	type result struct {
		first, second error
		ended         bool
	}
	done := make(chan result, 1)
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		var r result
		r.first = c.Send("under way")
		select {
		case <-c.Context().Done():
			r.ended = true
		case <-time.After(5 * time.Second):
		}
		r.second = c.Send("after the loss")
		done <- r
		return nil
	})
	u := textUpdate("a", "hi")
	u.Key = "k1"
	require.NoError(t, b.Dispatch(context.Background(), p, u))
	select {
	case <-p.writing:
	case <-time.After(10 * time.Second):
		t.Fatal("the send did not reach the provider")
	}
	lose() // the partition goes to another consumer
	close(p.release)
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not return")
	}
	require.NoError(t, b.Shutdown(context.Background()))
	assert.NoError(t, r.first, "the send under way was cancelled by the lost lease")
	assert.True(t, r.ended, "the handler's context did not end with the lease")
	assert.True(t, cardbot.IsRetryable(r.second), "a send after the loss: %v", r.second)
	p.mu.Lock()
	defer p.mu.Unlock()
	assert.Equal(t, []error{nil}, p.ctxErr, "the provider saw one send, not cancelled")
}
