package cardbot_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/store"
)

// pingProvider is a provider that answers Ping with err.
type pingProvider struct {
	*fakeProvider
	err error
}

func (p pingProvider) Ping(context.Context) error { return p.err }

// pingQueue is a memory queue that answers Ping with err.
type pingQueue struct {
	*store.MemoryQueue
	err error
}

func (q pingQueue) Ping(context.Context) error { return q.err }

// pingDedup is a memory dedup store that answers Ping with err.
type pingDedup struct {
	store.DedupStore
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
			return []cardbot.Option{cardbot.WithDedupStore(pingDedup{store.NewMemoryDedupStore(store.MemoryDedupConfig{Size: 10}), down})}
		}, []string{"dedup store: connection refused"}},
		{"the queue and a provider down", func() []cardbot.Option {
			q := pingQueue{store.NewMemoryQueue(10, 0), down}
			return []cardbot.Option{delivery.WithAsync(delivery.Config{Queue: q}), cardbot.WithProviders(pingProvider{newFake("a"), down})}
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

// instanceProvider is a provider that reports its instance's status, and
// pings as that status says.
type instanceProvider struct {
	*fakeProvider
	st cardbot.InstanceStatus
}

func (p instanceProvider) InstanceStatus() cardbot.InstanceStatus { return p.st }

func (p instanceProvider) Ping(context.Context) error {
	if p.st.Ready {
		return nil
	}
	return stateErr(p.st.State)
}

// stateErr is an error that says its own reason.
type stateErr string

func (e stateErr) Error() string       { return "instance is " + string(e) }
func (e stateErr) ReadyReason() string { return string(e) }

// Bot.Ready names every component it asked, and each failure's reason in
// words a probe may show.
func TestReadyChecks(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 6379},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	q := pingQueue{store.NewMemoryQueue(10, 0), refused}
	wa := instanceProvider{newFake("greenapi"), cardbot.InstanceStatus{Provider: "greenapi", Instance: "1101000001", State: "notAuthorized"}}
	mx := instanceProvider{newFake("max"), cardbot.InstanceStatus{Provider: "max", Instance: "3100000000", State: "authorized", Ready: true}}
	bot := newBot(delivery.WithAsync(delivery.Config{Queue: q}), cardbot.WithProviders(wa, mx, pingProvider{newFake("aitu"), nil}))
	t.Cleanup(func() { _ = bot.Shutdown(context.Background()) })

	err := bot.Ready(t.Context())
	var nre *cardbot.NotReadyError
	require.ErrorAs(t, err, &nre)
	require.ErrorIs(t, err, cardbot.ErrNotReady)
	reasons := map[string]string{}
	for _, c := range nre.Checks {
		reasons[c.Component] = c.Reason()
	}
	assert.Equal(t, map[string]string{
		"queue":               "connection refused",
		"greenapi 1101000001": "notAuthorized",
		"max 3100000000":      "",
		"provider aitu":       "",
	}, reasons)
	assert.Len(t, nre.Failed(), 2)
	assert.Contains(t, err.Error(), "10.0.0.5:6379", "the error keeps the detail for the log")
	assert.Equal(t, nre.Checks, bot.ReadyChecks(t.Context()))
}

func TestCheckReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("dial tcp 10.0.0.5:6379: i/o timeout"), "not ready"},
		{fmt.Errorf("ping: %w", context.DeadlineExceeded), "timeout"},
		{cardbot.ErrShuttingDown, "shutting down"},
		{&fs.PathError{Op: "write", Path: "/secret/path/bot.db", Err: syscall.ENOSPC}, "no space left on device"},
		{fmt.Errorf("wrapped: %w", stateErr("blocked")), "blocked"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, cardbot.Check{Component: "x", Err: tt.err}.Reason())
		})
	}
}
