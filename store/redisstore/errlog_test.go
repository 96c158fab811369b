package redisstore

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// records is a slog.Handler that keeps what it gets.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func attrs(rec slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	rec.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value; return true })
	return m
}

// TestErrLog: the background work's failures are logged at most once per
// errLogEvery; the next line logged tells how many were kept back.
func TestErrLog(t *testing.T) {
	t.Parallel()
	var h records
	l := &errLog{log: slog.New(&h)}
	boom := errors.New("boom")
	l.warn("first", boom, slog.Int("partition", 3))
	l.warn("second", boom)
	l.warn("third", boom)
	require.Len(t, h.list, 1, "the failures within errLogEvery are kept back")
	first := attrs(h.list[0])
	assert.Equal(t, "first", h.list[0].Message)
	assert.Equal(t, slog.LevelWarn, h.list[0].Level)
	assert.Equal(t, int64(3), first["partition"].Int64())
	assert.Equal(t, "boom", first["error"].Any().(error).Error())
	assert.NotContains(t, first, "failures_not_logged")

	l.mu.Lock()
	l.last = l.last.Add(-errLogEvery - time.Second)
	l.mu.Unlock()
	l.warn("fourth", boom)
	require.Len(t, h.list, 2)
	assert.Equal(t, "fourth", h.list[1].Message)
	assert.Equal(t, int64(2), attrs(h.list[1])["failures_not_logged"].Int64())

	l.mu.Lock()
	l.last = l.last.Add(-errLogEvery - time.Second)
	l.mu.Unlock()
	l.warn("fifth", boom)
	require.Len(t, h.list, 3)
	assert.NotContains(t, attrs(h.list[2]), "failures_not_logged", "the count starts again")
}
