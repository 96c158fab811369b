package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// DefaultClientLogEvery is how often a ClientLogger lets one message of
// each kind through when its interval is zero.
const DefaultClientLogEvery = 10 * time.Second

// maxClientLogKinds bounds the kinds of messages a ClientLogger counts;
// go-redis has a few dozen call sites that log.
const maxClientLogKinds = 256

// ClientLogger hands the messages go-redis writes itself ("connection
// pool: failed to dial", one per failed dial: dozens a second while Redis
// is down) to a slog.Logger, at Warn level, with at most one line per
// interval for each kind of message (each format of go-redis), which
// counts the messages of its kind kept back since the last line.
//
// go-redis has no logger per client: its logger is global to the
// process, set with redis.SetLogger. This package never sets it; a
// program sets it once, at start, for every client it has:
//
//	redis.SetLogger(redisstore.NewClientLogger(logger, 0))
type ClientLogger struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	kinds map[string]*clientLogKind
}

// clientLogKind is the state of one kind of message.
type clientLogKind struct {
	last   time.Time
	silent int
}

// NewClientLogger returns a ClientLogger that writes to log (slog.Default()
// when nil) at most one line per every (DefaultClientLogEvery when zero or
// less) for each kind of message.
func NewClientLogger(log *slog.Logger, every time.Duration) *ClientLogger {
	if log == nil {
		log = slog.Default()
	}
	if every <= 0 {
		every = DefaultClientLogEvery
	}
	return &ClientLogger{log: log, every: every, now: time.Now, kinds: make(map[string]*clientLogKind)}
}

// Printf implements go-redis's logging interface (redis.SetLogger).
func (l *ClientLogger) Printf(ctx context.Context, format string, v ...any) {
	l.mu.Lock()
	now := l.now()
	k := l.kinds[format]
	if k == nil {
		if len(l.kinds) >= maxClientLogKinds {
			clear(l.kinds) // a bound on memory only: go-redis's formats are constants
		}
		k = &clientLogKind{}
		l.kinds[format] = k
	}
	if !k.last.IsZero() && now.Sub(k.last) < l.every {
		k.silent++
		l.mu.Unlock()
		return
	}
	silent := k.silent
	k.last, k.silent = now, 0
	l.mu.Unlock()

	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	attrs := []slog.Attr{slog.String("source", "go-redis")}
	if silent > 0 {
		attrs = append(attrs, slog.Int("like_it_not_logged", silent))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	l.log.LogAttrs(ctx, slog.LevelWarn, "redis client: "+msg, attrs...)
}
