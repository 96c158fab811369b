package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/redis/go-redis/v9"
)

// SendLedger is a store.SendLedger on Redis that several bot instances
// share, so that an update handled again by another instance (a
// redelivery after a 503, a partition taken over after a crash) does not
// make the sends a handling completed before. An update's records are the
// hash "{<prefix>:l:<hash>}" (the hash of the update's name), one field
// per slot, which expires ttl after its last Record.
//
// Sends, Record and Forget are one round trip each. SendLedger starts no
// goroutine.
type SendLedger struct {
	c      redis.UniversalClient
	prefix string
}

var _ store.SendLedger = (*SendLedger)(nil)

// NewSendLedger returns a SendLedger on client; it reads cfg.Prefix.
func NewSendLedger(client redis.UniversalClient, cfg Config) (*SendLedger, error) {
	if client == nil {
		return nil, errors.New("redisstore: NewSendLedger: nil client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &SendLedger{c: client, prefix: cfg.Prefix}, nil
}

// SendLedger returns a send ledger on the Queue's client and prefix, so
// that a bot whose queue is q records its sends on the same Redis (see
// store.LedgerSource).
func (q *Queue) SendLedger() store.SendLedger { return &SendLedger{c: q.c, prefix: q.cfg.Prefix} }

// SendLedger returns a send ledger on the DedupStore's client and prefix
// (see store.LedgerSource).
func (s *DedupStore) SendLedger() store.SendLedger {
	return &SendLedger{c: s.c, prefix: s.cfg.Prefix}
}

func (l *SendLedger) key(update string) string { return "{" + l.prefix + ":l:" + keyHash(update) + "}" }

// Sends implements store.SendLedger.
func (l *SendLedger) Sends(ctx context.Context, update string) (map[string][]byte, error) {
	m, err := l.c.HGetAll(ctx, l.key(update)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: ledger sends: %w", err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out, nil
}

// Record implements store.SendLedger in one transaction.
func (l *SendLedger) Record(ctx context.Context, update, slot string, result []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("redisstore: ledger record: ttl %v is not positive", ttl)
	}
	k := l.key(update)
	_, err := l.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, slot, result)
		p.PExpire(ctx, k, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: ledger record: %w", err)
	}
	return nil
}

// Forget implements store.SendLedger.
func (l *SendLedger) Forget(ctx context.Context, update string) error {
	if err := l.c.Del(ctx, l.key(update)).Err(); err != nil {
		return fmt.Errorf("redisstore: ledger forget: %w", err)
	}
	return nil
}
