package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Persistence is what one Redis server keeps across a restart, as it says
// itself: by CONFIG GET, or by INFO where CONFIG is refused (managed Redis
// services often disable it), which tells less.
type Persistence struct {
	// Addr is the server's address: a Cluster master's, or the client's
	// for another client.
	Addr string
	// Source is where the settings were read: "CONFIG" or "INFO".
	Source string
	// AOF says whether the append-only file is on (appendonly yes).
	AOF bool
	// AppendFsync is appendfsync (always, everysec or no); "" when
	// unknown (read from INFO).
	AppendFsync string
	// Save is the RDB snapshot schedule ("3600 1 300 100"), "" for none;
	// SaveKnown is false when it could not be read (from INFO).
	Save      string
	SaveKnown bool
	// MaxMemoryPolicy is maxmemory-policy; "" when unknown.
	MaxMemoryPolicy string
	// Replicas counts the replicas connected to the server; -1 when
	// unknown.
	Replicas int
}

// Risks says, one sentence each, what the server's settings would lose of
// what the stores acknowledged: on a restart or a crash of the server, or
// under memory pressure. None for the settings the durable queue needs:
// appendonly yes with appendfsync everysec or always, and
// maxmemory-policy noeviction. (Replication, asynchronous in Redis, is
// left to the package doc: what a failover loses.)
func (p Persistence) Risks() []string {
	var risks []string
	switch {
	case !p.AOF && p.SaveKnown && p.Save == "":
		risks = append(risks, "appendonly is no and RDB snapshots are off: a restart of Redis loses everything the stores hold: "+
			"queued updates already acknowledged to the provider, dead letters, dedup marks and conversation state")
	case !p.AOF && p.SaveKnown:
		risks = append(risks, fmt.Sprintf("appendonly is no: a restart of Redis loses what was written since its last RDB snapshot "+
			"(save %q), queued updates already acknowledged to the provider among them", p.Save))
	case !p.AOF:
		risks = append(risks, "appendonly is no: a restart of Redis loses at least what was written since its last RDB snapshot, "+
			"if it takes any (CONFIG GET is refused, so the schedule is unknown), queued updates already acknowledged to the provider among them")
	case p.AppendFsync == "no":
		risks = append(risks, "appendfsync is no: a crash of the machine loses the writes the kernel had not flushed (up to about 30 s), "+
			"queued updates already acknowledged to the provider among them")
	}
	switch pol := p.MaxMemoryPolicy; {
	case pol == "" || pol == "noeviction":
	case strings.HasPrefix(pol, "volatile-"):
		risks = append(risks, fmt.Sprintf("maxmemory-policy is %s: when Redis is full it deletes keys that expire: "+
			"dedup marks (so updates are handled twice), leases and conversation state", pol))
	default:
		risks = append(risks, fmt.Sprintf("maxmemory-policy is %s: when Redis is full it deletes any key: queued updates among them", pol))
	}
	return risks
}

// ReadPersistence reads the persistence settings of the server of client,
// or of every master of a Cluster.
func ReadPersistence(ctx context.Context, client redis.UniversalClient) ([]Persistence, error) {
	if cc, ok := client.(*redis.ClusterClient); ok {
		var (
			mu   sync.Mutex
			list []Persistence
		)
		err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			p, err := readPersistence(ctx, node, node.Options().Addr)
			mu.Lock()
			defer mu.Unlock()
			list = append(list, p)
			return err
		})
		if err != nil {
			return nil, err
		}
		return list, nil
	}
	addr := ""
	if c, ok := client.(*redis.Client); ok {
		addr = c.Options().Addr
	}
	p, err := readPersistence(ctx, client, addr)
	if err != nil {
		return nil, err
	}
	return []Persistence{p}, nil
}

// readPersistence reads one server's settings: by CONFIG GET, else by
// INFO.
func readPersistence(ctx context.Context, c redis.Cmdable, addr string) (Persistence, error) {
	p := Persistence{Addr: addr, Source: "CONFIG", SaveKnown: true, Replicas: -1}
	cfg, cfgErr := configGet(ctx, c, "appendonly", "appendfsync", "save", "maxmemory-policy")
	info, infoErr := c.Info(ctx).Result() // its default sections: one per call in Redis 6
	if cfgErr != nil && infoErr != nil {
		return p, fmt.Errorf("redisstore: reading the persistence settings of %s: %w", addrOr(addr), errors.Join(cfgErr, infoErr))
	}
	fields := infoFields(info)
	if n, err := strconv.Atoi(fields["connected_slaves"]); err == nil {
		p.Replicas = n
	}
	if cfgErr == nil {
		p.AOF = cfg["appendonly"] == "yes"
		p.AppendFsync = cfg["appendfsync"]
		p.Save = cfg["save"]
		p.MaxMemoryPolicy = cfg["maxmemory-policy"]
		return p, nil
	}
	p.Source, p.SaveKnown = "INFO", false
	p.AOF = fields["aof_enabled"] == "1"
	p.MaxMemoryPolicy = fields["maxmemory_policy"]
	return p, nil
}

// configGet reads parameters with one CONFIG GET each (Redis 6 takes one
// at a time).
func configGet(ctx context.Context, c redis.Cmdable, params ...string) (map[string]string, error) {
	m := make(map[string]string, len(params))
	for _, name := range params {
		got, err := c.ConfigGet(ctx, name).Result()
		if err != nil {
			return nil, err
		}
		v, ok := got[name]
		if !ok {
			return nil, fmt.Errorf("CONFIG GET %s: no such parameter", name)
		}
		m[name] = v
	}
	return m, nil
}

// infoFields reads the "name:value" lines of an INFO answer.
func infoFields(info string) map[string]string {
	m := map[string]string{}
	for line := range strings.SplitSeq(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && !strings.HasPrefix(k, "#") {
			m[k] = v
		}
	}
	return m
}

func addrOr(addr string) string {
	if addr == "" {
		return "the server"
	}
	return addr
}

// LogPersistence reads the persistence settings of client's servers and
// logs, for each server, a warning per risk (see Persistence.Risks), or
// one line at Info level when there is none. It returns the error of the
// reading, which it does not log.
func LogPersistence(ctx context.Context, client redis.UniversalClient, log *slog.Logger) error {
	list, err := ReadPersistence(ctx, client)
	if err != nil {
		return err
	}
	for _, p := range list {
		attrs := []any{slog.String("redis", addrOr(p.Addr)), slog.String("read_by", p.Source)}
		if p.Replicas >= 0 {
			attrs = append(attrs, slog.Int("replicas", p.Replicas))
		}
		risks := p.Risks()
		if len(risks) == 0 {
			log.Info("redisstore: Redis keeps what it acknowledges across a restart", append(attrs,
				slog.Bool("appendonly", p.AOF), slog.String("appendfsync", p.AppendFsync),
				slog.String("maxmemory_policy", p.MaxMemoryPolicy))...)
			continue
		}
		for _, r := range risks {
			log.Warn("redisstore: Redis may lose what the stores acknowledged: "+r, attrs...)
		}
	}
	return nil
}

// persistenceTimeout bounds the reading of the settings by a Consume.
const persistenceTimeout = 2 * time.Second

// persistWatch has a Consume log the persistence settings when it starts
// and each time Redis answers again after a failure (a reconnect, maybe
// to a server restarted with other settings, or to a replica promoted).
// Only the consumer's manager goroutine uses it.
type persistWatch struct {
	checked bool // the settings were read since the last failure
}

// after is called with the result of each heartbeat of c.
func (w *persistWatch) after(ctx context.Context, c *consumer, err error) {
	if err != nil {
		w.checked = false
		return
	}
	if w.checked {
		return
	}
	w.checked = true
	ctx, cancel := context.WithTimeout(ctx, persistenceTimeout)
	defer cancel()
	if err := LogPersistence(ctx, c.q.c, c.q.cfg.Logger); err != nil {
		w.checked = false // again at the next heartbeat
		c.log.warn("redisstore: cannot read Redis's persistence settings", err)
	}
}
