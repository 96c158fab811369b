package pollloop_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot/internal/pollease"
	"github.com/cardbot/cardbot/internal/pollloop"
	"github.com/cardbot/cardbot/internal/retry"
	"github.com/cardbot/cardbot/store"
)

// TestMain fails the package's tests when a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var (
	errFatal = errors.New("fatal with secret-123456")
	errAgain = errors.New("again with secret-123456")
	errFixed = errors.New("fixed by Recover")
)

// script answers polls in turn; after the last one it ends ctx.
type script struct {
	mu      sync.Mutex
	answers []error
	polls   []time.Time
	cancel  context.CancelFunc
}

func (s *script) once(context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polls = append(s.polls, time.Now())
	if len(s.polls) > len(s.answers) {
		s.cancel()
		return true, nil
	}
	return true, s.answers[len(s.polls)-1]
}

func TestRun(t *testing.T) {
	tests := []struct {
		name      string
		answers   []error
		recover   bool
		wantErr   error // nil: ends with the context
		wantPolls int
		wantLogs  int
	}{
		{"polls until the context ends", []error{nil, nil}, false, nil, 3, 0},
		{"a fatal failure stops it", []error{nil, errFatal, nil}, false, errFatal, 2, 0},
		{"other failures back off and go on", []error{errAgain, errAgain, nil}, false, nil, 4, 2},
		{"Recover mends a failure at once", []error{errFixed, nil}, true, nil, 3, 0},
		{"a redelivery is not fatal", []error{&pollloop.RedeliverError{Kept: "kept", Err: errFatal}}, false, nil, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s := &script{answers: tt.answers, cancel: cancel}
			var logs bytes.Buffer
			l := &pollloop.Loop{
				Provider: "test",
				Name:     "tester",
				Backoff:  retry.Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond},
				Interval: time.Millisecond,
				Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
				Clean:    func(s string) string { return strings.ReplaceAll(s, "secret-123456", "[redacted]") },
				Once:     s.once,
				Fatal:    func(err error) bool { return !pollloop.IsRedeliver(err) && errors.Is(err, errFatal) },
			}
			if tt.recover {
				l.Recover = func(_ context.Context, err error) error {
					if errors.Is(err, errFixed) {
						return nil
					}
					return err
				}
			}
			err := l.Run(ctx)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.True(t, strings.HasPrefix(err.Error(), "test: poller stopped: "), err.Error())
			} else {
				require.ErrorIs(t, err, context.Canceled)
			}
			assert.Len(t, s.polls, tt.wantPolls)
			assert.Equal(t, tt.wantLogs, strings.Count(logs.String(), "test: polling failed"))
			assert.NotContains(t, logs.String(), "secret-123456")
		})
	}
}

func TestRedeliverError(t *testing.T) {
	err := &pollloop.RedeliverError{Kept: "notification kept", Err: errAgain}
	assert.Equal(t, "handler failed, notification kept: again with secret-123456", err.Error())
	assert.ErrorIs(t, err, errAgain)
	assert.True(t, pollloop.IsRedeliver(errors.Join(errFatal, err)))
	assert.False(t, pollloop.IsRedeliver(errAgain))
}

// TestRunWithoutTheLease: while another instance holds the lease, Run
// never polls, and it returns the context's error when the context ends.
func TestRunWithoutTheLease(t *testing.T) {
	locker := store.NewMemoryLocker()
	quiet := slog.New(slog.DiscardHandler)
	other := pollease.New(locker, "acct", time.Minute, quiet)
	require.NoError(t, other.Hold(t.Context()))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	polls := 0
	l := &pollloop.Loop{
		Provider: "test",
		Lease:    pollease.New(locker, "acct", 30*time.Millisecond, quiet),
		Logger:   quiet,
		Clean:    func(s string) string { return s },
		Once:     func(context.Context) (bool, error) { polls++; return true, nil },
		Fatal:    func(error) bool { return true },
	}
	require.ErrorIs(t, l.Run(ctx), context.DeadlineExceeded)
	assert.Zero(t, polls)
}
