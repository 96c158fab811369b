package cardbot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/store"
)

// brokenLedger is a MemorySendLedger whose methods fail as it is told.
type brokenLedger struct {
	*store.MemorySendLedger
	sendsErr, recordErr error
}

func (l *brokenLedger) Sends(ctx context.Context, update string) (map[string][]byte, error) {
	if l.sendsErr != nil {
		return nil, l.sendsErr
	}
	return l.MemorySendLedger.Sends(ctx, update)
}

func (l *brokenLedger) Record(ctx context.Context, update, slot string, result []byte, ttl time.Duration) error {
	if l.recordErr != nil {
		return l.recordErr
	}
	return l.MemorySendLedger.Record(ctx, update, slot, result, ttl)
}

// TestLedgerSends handles one update twice, its first handling failing
// retryably after its sends, and checks which sends the second makes.
func TestLedgerSends(t *testing.T) {
	errAgain := cardbot.Retryable(errors.New("try again"))
	tests := []struct {
		name   string
		key    string // the update's Key
		ledger *brokenLedger
		// handle is the handler; attempt is 1, then 2.
		handle func(c *cardbot.Context, attempt int) error
		// want are the texts the provider got over both handlings;
		// failed says the second handling failed retryably.
		want   []string
		failed bool
	}{
		{
			name: "sends made are skipped", key: "k1",
			handle: func(c *cardbot.Context, attempt int) error {
				for _, s := range []string{"a", "b", "c"} {
					if err := c.Send(s); err != nil {
						return err
					}
					if attempt == 1 && s == "b" {
						return errAgain
					}
				}
				return nil
			},
			want: []string{"a", "b", "c"},
		},
		{
			name: "a send that differs from the one recorded at its position is made", key: "k1",
			handle: func(c *cardbot.Context, attempt int) error {
				if err := c.Send(map[int]string{1: "first try", 2: "second try"}[attempt]); err != nil {
					return err
				}
				if attempt == 1 {
					return errAgain
				}
				return c.Send("done")
			},
			want: []string{"first try", "second try", "done"},
		},
		{
			name: "a keyed send is skipped whatever it sends now, and takes no position", key: "k1",
			handle: func(c *cardbot.Context, attempt int) error {
				if attempt == 2 {
					m, err := c.SendKeyed("welcome", cardbot.Text{Body: "welcome again"})
					if err != nil || m.ID != "sent-c" {
						return errors.New("the keyed send did not return its recorded result")
					}
				}
				if err := c.Send("positional"); err != nil {
					return err
				}
				if attempt == 1 {
					if _, err := c.SendKeyed("welcome", cardbot.Text{Body: "welcome"}); err != nil {
						return err
					}
					return errAgain
				}
				return nil
			},
			want: []string{"positional", "welcome"},
		},
		{
			name: "an update without a Key keeps no ledger", key: "",
			handle: func(c *cardbot.Context, attempt int) error {
				if err := c.Send("hi"); err != nil {
					return err
				}
				if attempt == 1 {
					return errAgain
				}
				return nil
			},
			want: []string{"hi", "hi"},
		},
		{
			name: "a ledger that cannot be read fails the send retryably, before the provider", key: "k1",
			ledger: &brokenLedger{sendsErr: errors.New("store down")},
			handle: func(c *cardbot.Context, attempt int) error {
				return c.Send("hi")
			},
			want:   nil,
			failed: true,
		},
		{
			name: "a send whose record fails is made, and made again by a retry", key: "k1",
			ledger: &brokenLedger{recordErr: errors.New("store down")},
			handle: func(c *cardbot.Context, attempt int) error {
				if err := c.Send("hi"); err != nil {
					return err
				}
				if attempt == 1 {
					return errAgain
				}
				return nil
			},
			want: []string{"hi", "hi"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newFake("alpha")
			var opts []cardbot.Option
			if tt.ledger != nil {
				tt.ledger.MemorySendLedger = store.NewMemorySendLedger(0)
				opts = append(opts, cardbot.WithSendLedger(cardbot.LedgerConfig{Ledger: tt.ledger}))
			}
			b := newBot(opts...)
			attempt := 0
			b.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
				attempt++
				return tt.handle(c, attempt)
			})
			u := cardbot.Update{Key: tt.key, Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{ID: "m", Text: "x"}}
			err := b.Dispatch(context.Background(), p, u)
			require.True(t, cardbot.IsRetryable(err), "the first handling: %v", err)
			err = b.Dispatch(context.Background(), p, u)
			if tt.failed {
				assert.True(t, cardbot.IsRetryable(err), "the second handling: %v", err)
			} else {
				require.NoError(t, err)
			}
			var got []string
			for _, s := range p.Sent() {
				got = append(got, s.Out.(cardbot.Text).Body)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestLedgerForgotten checks that an update's records go once it was
// handled for good, and stay while it may be handled again.
func TestLedgerForgotten(t *testing.T) {
	errAgain := cardbot.Retryable(errors.New("try again"))
	tests := []struct {
		name string
		err  error
		kept bool
	}{
		{"handled", nil, false},
		{"failed for good", errors.New("bad input"), false},
		{"failed retryably", errAgain, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := store.NewMemorySendLedger(0)
			b := newBot(cardbot.WithSendLedger(cardbot.LedgerConfig{Ledger: l, TTL: time.Hour}), cardbot.WithErrorHandler(func(*cardbot.Context, error) {}))
			b.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
				if err := c.Send("hi"); err != nil {
					return err
				}
				return tt.err
			})
			u := cardbot.Update{Key: "k", Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{Text: "x"}}
			_ = b.Dispatch(context.Background(), newFake("alpha"), u)
			recs, err := l.Sends(context.Background(), "alpha\x00k")
			require.NoError(t, err)
			assert.Equal(t, tt.kept, len(recs) == 1, "records: %q", recs)
		})
	}
}

// TestLedgerDefault checks the ledger New picks: the store's when it
// keeps one (LedgerSource), else one in memory.
func TestLedgerDefault(t *testing.T) {
	own := store.NewMemorySendLedger(0)
	src := ledgerSourceDedup{MemoryDedupStore: store.NewMemoryDedupStore(store.MemoryDedupConfig{}), l: own}
	b := newBot(cardbot.WithDedupStore(src))
	b.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
		if err := c.Send("hi"); err != nil {
			return err
		}
		return cardbot.Retryable(errors.New("again"))
	})
	u := cardbot.Update{Key: "k", Chat: cardbot.Chat{ID: "c"}, Message: &cardbot.Message{Text: "x"}}
	_ = b.Dispatch(context.Background(), newFake("alpha"), u)
	recs, err := own.Sends(context.Background(), "alpha\x00k")
	require.NoError(t, err)
	assert.Len(t, recs, 1, "the bot did not record in its dedup store's ledger")
}

// ledgerSourceDedup is a dedup store that keeps a send ledger too.
type ledgerSourceDedup struct {
	*store.MemoryDedupStore
	l store.SendLedger
}

func (s ledgerSourceDedup) SendLedger() store.SendLedger { return s.l }
