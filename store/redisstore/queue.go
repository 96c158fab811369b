package redisstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/redis/go-redis/v9"
)

// The consumer group and the one consumer name that every member reads
// with, so that a partition's new owner finds its previous owner's
// pending entries under its own name.
const (
	groupName    = "cardbot"
	consumerName = "owner"
)

// Queue is a store.Queue on Redis that several bot instances share; see
// the package doc for how it keeps entries, orders them and splits them
// among consumers. It is safe for concurrent use; Consume runs once at a
// time per Queue value.
type Queue struct {
	c       redis.UniversalClient
	cfg     Config
	parts   []partKeys
	wake    string // the pub/sub channel of wake-ups
	dedup   string // the start of the Push dedup marks' keys
	members string // the sorted set of live consumers
	meta    string // the number of partitions, as the first consumer set it

	cons atomic.Pointer[consumer] // the running Consume, or nil
}

var _ store.Queue = (*Queue)(nil)

// NewQueue returns a Queue on client, configured by cfg (see Config for
// the defaults). It does no I/O: a Redis that is down shows in the first
// Push, and in Consume's logs.
func NewQueue(client redis.UniversalClient, cfg Config) (*Queue, error) {
	if client == nil {
		return nil, errors.New("redisstore: NewQueue: nil client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	q := &Queue{
		c:       client,
		cfg:     cfg,
		parts:   make([]partKeys, cfg.Partitions),
		wake:    cfg.Prefix + ":wake",
		dedup:   queueTag(cfg.Prefix) + ":k:",
		members: queueTag(cfg.Prefix) + ":members",
		meta:    queueTag(cfg.Prefix) + ":partitions",
	}
	for p := range q.parts {
		q.parts[p] = newPartKeys(cfg.Prefix, p)
	}
	return q, nil
}

// Push implements store.Queue: one script, one round trip, stores the
// entry in its partition's stream unless its Provider and Key were pushed
// within Config.DedupTTL, and wakes the consumers.
func (q *Queue) Push(ctx context.Context, e store.Entry) (bool, error) {
	p := store.Partition(e.Provider, e.ChatID, q.cfg.Partitions)
	k := q.parts[p]
	keys := []string{k.stream}
	if e.Key != "" {
		keys = append(keys, q.dedup+keyHash(e.Provider+"\x00"+e.Key))
	}
	n, err := pushScript.Run(ctx, q.c, keys, ms(q.cfg.DedupTTL),
		e.Provider, e.ChatID, e.Key, e.Update, formatTime(e.Pushed), q.wake, k.p).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: push: %w", err)
	}
	return n == 1, nil
}

// Ack implements store.Queue: the entry leaves the pending list and the
// stream. Acknowledging an entry that is not pending does nothing.
func (q *Queue) Ack(ctx context.Context, d store.Delivery) error {
	p, sid, err := q.parseID(d.ID)
	if err != nil {
		return err
	}
	err = ackScript.Run(ctx, q.c, []string{q.parts[p].stream}, groupName, sid).Err()
	q.ended(p, d.ID, err != nil)
	if err != nil {
		return fmt.Errorf("redisstore: ack %s: %w", d.ID, err)
	}
	return nil
}

// Release implements store.Queue. It writes nothing: the entry stays
// pending. Its partition's reader delivers nothing more until every entry
// it delivered has ended, then reads the pending entries again from the
// start, so the released entry comes again before the later entries of
// its chat.
func (q *Queue) Release(_ context.Context, d store.Delivery) error {
	p, _, err := q.parseID(d.ID)
	if err != nil {
		return err
	}
	q.ended(p, d.ID, true)
	return nil
}

// DeadLetter implements store.Queue: one script acknowledges the entry,
// deletes it from the stream and adds it, with reason and the time, to
// its partition's dead letters. An entry that is not pending (ended
// already) is left alone.
func (q *Queue) DeadLetter(ctx context.Context, d store.Delivery, reason string) error {
	p, sid, err := q.parseID(d.ID)
	if err != nil {
		return err
	}
	k := q.parts[p]
	err = deadLetterScript.Run(ctx, q.c, []string{k.stream, k.dead},
		groupName, sid, reason, formatTime(time.Now()), q.cfg.MaxDeadLetters).Err()
	q.ended(p, d.ID, err != nil)
	if err != nil {
		return fmt.Errorf("redisstore: dead letter %s: %w", d.ID, err)
	}
	return nil
}

// ended tells the running Consume that the entry id of partition p has
// ended; again means it is still pending and must be delivered again.
func (q *Queue) ended(p int, id string, again bool) {
	if c := q.cons.Load(); c != nil {
		c.ended(p, id, again)
	}
}

// DeadLetters implements store.Queue: the oldest dead letters of all
// partitions (by the time they were dead lettered), up to limit.
func (q *Queue) DeadLetters(ctx context.Context, limit int) ([]store.DeadLetter, error) {
	if limit <= 0 {
		return nil, nil
	}
	pipe := q.c.Pipeline()
	cmds := make([]*redis.XMessageSliceCmd, len(q.parts))
	for p, k := range q.parts {
		cmds[p] = pipe.XRangeN(ctx, k.dead, "-", "+", int64(limit))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: dead letters: %w", err)
	}
	type item struct {
		ms, seq uint64
		p       int
		dl      store.DeadLetter
	}
	var all []item
	for p, cmd := range cmds {
		for _, m := range cmd.Val() {
			ms, seq, ok := parseStreamID(m.ID)
			if !ok {
				continue
			}
			f := fields(m.Values)
			all = append(all, item{ms: ms, seq: seq, p: p, dl: store.DeadLetter{
				Entry:  f.entry(strconv.Itoa(p) + "-" + m.ID),
				Reason: f["reason"],
				Failed: parseTime(f["failed"]),
			}})
		}
	}
	slices.SortFunc(all, func(a, b item) int {
		return cmp.Or(cmp.Compare(a.ms, b.ms), cmp.Compare(a.seq, b.seq), cmp.Compare(a.p, b.p))
	})
	out := make([]store.DeadLetter, 0, min(limit, len(all)))
	for _, it := range all[:min(limit, len(all))] {
		out = append(out, it.dl)
	}
	return out, nil
}

// Replay implements store.Queue: one script moves the dead letter to the
// end of its partition's stream, with no dedup check, and wakes the
// consumers.
func (q *Queue) Replay(ctx context.Context, id string) error {
	p, sid, err := q.parseID(id)
	if err != nil {
		return store.ErrNoDeadLetter
	}
	k := q.parts[p]
	n, err := replayScript.Run(ctx, q.c, []string{k.dead, k.stream}, sid, q.wake, k.p).Int()
	switch {
	case err != nil:
		return fmt.Errorf("redisstore: replay %s: %w", id, err)
	case n == 0:
		return store.ErrNoDeadLetter
	}
	return nil
}

// DropDeadLetter implements store.Queue.
func (q *Queue) DropDeadLetter(ctx context.Context, id string) error {
	p, sid, err := q.parseID(id)
	if err != nil {
		return store.ErrNoDeadLetter
	}
	n, err := q.c.XDel(ctx, q.parts[p].dead, sid).Result()
	switch {
	case err != nil:
		return fmt.Errorf("redisstore: drop dead letter %s: %w", id, err)
	case n == 0:
		return store.ErrNoDeadLetter
	}
	return nil
}

// parseID splits an entry's or a dead letter's id, "<partition>-<stream
// id>", and checks both parts.
func (q *Queue) parseID(id string) (int, string, error) {
	ps, sid, ok := strings.Cut(id, "-")
	p, err := strconv.Atoi(ps)
	if !ok || err != nil || p < 0 || p >= len(q.parts) || strconv.Itoa(p) != ps {
		return 0, "", fmt.Errorf("redisstore: bad entry id %q", id)
	}
	if _, _, ok := parseStreamID(sid); !ok {
		return 0, "", fmt.Errorf("redisstore: bad entry id %q", id)
	}
	return p, sid, nil
}

// parseStreamID reads a full stream id, "<ms>-<seq>", in canonical
// decimal.
func parseStreamID(s string) (ms, seq uint64, ok bool) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, false
	}
	ms, err1 := strconv.ParseUint(a, 10, 64)
	seq, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil || strconv.FormatUint(ms, 10) != a || strconv.FormatUint(seq, 10) != b {
		return 0, 0, false
	}
	return ms, seq, true
}

// fields are a stream entry's fields.
type fieldMap map[string]string

func fields(v map[string]any) fieldMap {
	f := make(fieldMap, len(v))
	for k, x := range v {
		if s, ok := x.(string); ok {
			f[k] = s
		}
	}
	return f
}

// fieldList reads the fields of an entry as a Lua script returns them:
// names and values in turn.
func fieldList(v []any) fieldMap {
	f := make(fieldMap, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		k, _ := v[i].(string)
		s, _ := v[i+1].(string)
		f[k] = s
	}
	return f
}

func (f fieldMap) entry(id string) store.Entry {
	return store.Entry{
		ID:       id,
		Provider: f["provider"],
		ChatID:   f["chat"],
		Key:      f["key"],
		Update:   []byte(f["update"]),
		Pushed:   parseTime(f["pushed"]),
	}
}

// formatTime stores t as Unix nanoseconds; the zero time as "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

func parseTime(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}
