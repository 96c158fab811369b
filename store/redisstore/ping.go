package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/cardbot/cardbot/store"
)

var (
	_ store.Pinger = (*Queue)(nil)
	_ store.Pinger = (*DedupStore)(nil)
)

// Ping reports whether the queue's Redis answers a PING within ctx.
func (q *Queue) Ping(ctx context.Context) error { return ping(ctx, q.c) }

// Ping reports whether the dedup store's Redis answers a PING within ctx.
func (s *DedupStore) Ping(ctx context.Context) error { return ping(ctx, s.c) }

func ping(ctx context.Context, c redis.UniversalClient) error {
	if err := c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}
