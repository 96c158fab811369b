package app

import (
	"errors"
	"log/slog"
)

// openRedis opens the Redis stores of cfg.
func openRedis(cfg storeConfig, log *slog.Logger) (stores, error) {
	return stores{}, errors.New("STORE redis: not yet")
}
