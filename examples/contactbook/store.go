package main

import (
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/cardbot/cardbot/store"
	"github.com/cardbot/cardbot/store/boltstore"
	"github.com/cardbot/cardbot/store/redisstore"
)

// storage is where the conversations are kept, and the Locker that makes
// instances take turns per chat (nil for one process).
type storage struct {
	state  store.StateStore
	locker store.Locker
	close  func()
}

// openStore opens what STORE names: "" or "memory", "file:PATH", or a
// redis:// or rediss:// URL, whose keys start with prefix.
func openStore(spec, prefix string) (*storage, error) {
	switch {
	case spec == "" || spec == "memory":
		return &storage{state: store.NewMemoryStateStore(), close: func() {}}, nil
	case strings.HasPrefix(spec, "file:"):
		db, err := boltstore.Open(strings.TrimPrefix(spec, "file:"), boltstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("STORE: %w", err)
		}
		return &storage{state: db.StateStore(), close: func() { _ = db.Close() }}, nil
	case strings.HasPrefix(spec, "redis://"), strings.HasPrefix(spec, "rediss://"):
		opts, err := redis.ParseURL(spec)
		if err != nil {
			return nil, fmt.Errorf("STORE: not a Redis URL") // the error's text may hold its password
		}
		client := redis.NewClient(opts)
		cfg := redisstore.Config{Prefix: prefix}
		state, err := redisstore.NewStateStore(client, cfg)
		if err != nil {
			client.Close()
			return nil, fmt.Errorf("STORE: %w", err)
		}
		locker, err := redisstore.NewLocker(client, cfg)
		if err != nil {
			client.Close()
			return nil, fmt.Errorf("STORE: %w", err)
		}
		return &storage{state: state, locker: locker, close: func() { _ = client.Close() }}, nil
	}
	return nil, fmt.Errorf("STORE %q: want memory, file:PATH or a redis:// URL", spec)
}
