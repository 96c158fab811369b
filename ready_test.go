package cardbot_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// pingProvider is a provider that answers Ping with err.
type pingProvider struct {
	*fakeProvider
	err error
}

func (p pingProvider) Ping(context.Context) error { return p.err }

// pingQueue is a memory queue that answers Ping with err.
type pingQueue struct {
	*cardbot.MemoryQueue
	err error
}

func (q pingQueue) Ping(context.Context) error { return q.err }

// pingDedup is a memory dedup store that answers Ping with err.
type pingDedup struct {
	cardbot.DedupStore
	err error
}

func (d pingDedup) Ping(context.Context) error { return d.err }

func TestReady(t *testing.T) {
	down := errors.New("connection refused")
	tests := []struct {
		name  string
		opts  func() []cardbot.Option
		wants []string // substrings of the error; none when ready
	}{
		{"nothing to ask", func() []cardbot.Option { return nil }, nil},
		{"providers that answer and one that cannot be asked", func() []cardbot.Option {
			return []cardbot.Option{cardbot.WithProviders(pingProvider{newFake("a"), nil}, newFake("b"))}
		}, nil},
		{"a provider down", func() []cardbot.Option {
			return []cardbot.Option{cardbot.WithProviders(pingProvider{newFake("a"), nil}, pingProvider{newFake("z"), down})}
		}, []string{"provider z: connection refused"}},
		{"the dedup store down", func() []cardbot.Option {
			return []cardbot.Option{cardbot.WithDedupStore(pingDedup{cardbot.NewMemoryDedupStore(10, 0), down})}
		}, []string{"dedup store: connection refused"}},
		{"the queue and a provider down", func() []cardbot.Option {
			q := pingQueue{cardbot.NewMemoryQueue(10, 0), down}
			return []cardbot.Option{cardbot.WithAsync(cardbot.AsyncConfig{Queue: q}), cardbot.WithProviders(pingProvider{newFake("a"), down})}
		}, []string{"queue: connection refused", "provider a: connection refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := newBot(tt.opts()...)
			t.Cleanup(func() { _ = bot.Shutdown(context.Background()) })
			err := bot.Ready(context.Background())
			if len(tt.wants) == 0 {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, cardbot.ErrNotReady)
			require.ErrorIs(t, err, down)
			for _, s := range tt.wants {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestReadyShuttingDown(t *testing.T) {
	bot := newBot()
	require.NoError(t, bot.Shutdown(context.Background()))
	err := bot.Ready(context.Background())
	require.ErrorIs(t, err, cardbot.ErrNotReady)
	assert.ErrorIs(t, err, cardbot.ErrShuttingDown)
}
