package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cardbot/cardbot/store/redisstore"
)

// openRedis opens the Redis stores of cfg: the queue, the dedup store and
// the send ledger on one client, which closing the stores closes.
func openRedis(cfg storeConfig, log *slog.Logger) (stores, error) {
	opts, err := redis.ParseURL(cfg.URL)
	if err != nil {
		// go-redis's error may repeat the URL, password and all.
		return stores{}, errors.New("STORE: not a Redis URL go-redis can read (redis://[user:password@]host:port/db)")
	}
	client := redis.NewClient(opts)
	rc := redisstore.Config{Prefix: cfg.Prefix, LeaseTTL: cfg.LeaseTTL, Logger: log}
	q, err := redisstore.NewQueue(client, rc)
	if err != nil {
		client.Close()
		return stores{}, fmt.Errorf("STORE redis: %w", err)
	}
	d, err := redisstore.NewDedupStore(client, rc)
	if err != nil {
		client.Close()
		return stores{}, fmt.Errorf("STORE redis: %w", err)
	}
	l, err := redisstore.NewSendLedger(client, rc)
	if err != nil {
		client.Close()
		return stores{}, fmt.Errorf("STORE redis: %w", err)
	}
	check := func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, persistenceTimeout)
		defer cancel()
		if err := redisstore.LogPersistence(ctx, client, log); err != nil {
			log.Warn("cannot read Redis's persistence settings", "error", err)
		}
	}
	return stores{queue: q, dedup: d, ledger: l, close: client.Close, checkPersistence: check}, nil
}

// persistenceTimeout bounds the reading of Redis's persistence settings
// at start.
const persistenceTimeout = 5 * time.Second
