package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cardbot/cardbot/store"
	"github.com/redis/go-redis/v9"
)

// StateStore is a store.StateStore on Redis that several bot instances
// share: a conversation is the hash "{<prefix>:s:<hash>}" (the hash of the
// conversation's key), with the fields v (version), s (state), u (update)
// and d (data), which expires with its time to live. Save is one script
// that compares the version and writes, so of two instances that loaded
// one version only the first Save wins. A version is the server's clock in
// microseconds when the record was saved, or one more than the stored
// version when that is later, so that no version is given twice for a key,
// even across a delete, as long as the server's clock does not go back.
//
// Load and Save are one round trip each. StateStore starts no goroutine.
type StateStore struct {
	c      redis.UniversalClient
	prefix string
}

var _ store.StateStore = (*StateStore)(nil)

// NewStateStore returns a StateStore on client; it reads cfg.Prefix.
func NewStateStore(client redis.UniversalClient, cfg Config) (*StateStore, error) {
	if client == nil {
		return nil, errors.New("redisstore: NewStateStore: nil client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &StateStore{c: client, prefix: cfg.Prefix}, nil
}

func (s *StateStore) key(key string) string { return "{" + s.prefix + ":s:" + keyHash(key) + "}" }

// Load implements store.StateStore.
func (s *StateStore) Load(ctx context.Context, key string) (store.StateRecord, error) {
	vals, err := s.c.HMGet(ctx, s.key(key), "v", "s", "u", "d").Result()
	if err != nil {
		return store.StateRecord{}, fmt.Errorf("redisstore: state load: %w", err)
	}
	if len(vals) != 4 || vals[0] == nil {
		return store.StateRecord{}, nil
	}
	str := func(v any) string { s, _ := v.(string); return s }
	version, err := strconv.ParseUint(str(vals[0]), 10, 64)
	if err != nil {
		return store.StateRecord{}, fmt.Errorf("redisstore: state load: a version that is no number: %q", str(vals[0]))
	}
	rec := store.StateRecord{State: str(vals[1]), Update: str(vals[2]), Version: version}
	if d := str(vals[3]); d != "" {
		rec.Data = []byte(d)
	}
	return rec, nil
}

// Save implements store.StateStore in one script.
func (s *StateStore) Save(ctx context.Context, key string, rec store.StateRecord, ttl time.Duration) (uint64, error) {
	var ttlMS int64
	if ttl > 0 {
		ttlMS = ms(ttl)
	}
	del := "0"
	if rec.State == "" && len(rec.Data) == 0 && rec.Update == "" {
		del = "1"
	}
	res, err := stateSaveScript.Run(ctx, s.c, []string{s.key(key)},
		strconv.FormatUint(rec.Version, 10), del, rec.State, rec.Update, rec.Data, ttlMS).StringSlice()
	if err != nil {
		return 0, fmt.Errorf("redisstore: state save: %w", err)
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("redisstore: state save: the script returned %q", res)
	}
	if res[0] != "ok" {
		return 0, fmt.Errorf("redisstore: state save: %w: key at version %s, not %d", store.ErrStateConflict, res[1], rec.Version)
	}
	v, err := strconv.ParseUint(res[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("redisstore: state save: the script returned the version %q", res[1])
	}
	return v, nil
}

// stateSaveScript compares a conversation's version and, when it is the
// one expected, deletes the conversation or writes it with a new version.
//
// KEYS: the conversation. ARGV: expected version, delete ("1"), state,
// update, data, ttl ms (0 for none). Returns {"ok", new version} ("0"
// after a delete), or {"conflict", stored version}.
var stateSaveScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v') or '0'
if cur ~= ARGV[1] then return {'conflict', cur} end
if ARGV[2] == '1' then
	redis.call('DEL', KEYS[1])
	return {'ok', '0'}
end
local t = redis.call('TIME')
local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
if v <= tonumber(cur) then v = tonumber(cur) + 1 end
local vs = string.format('%.0f', v)
redis.call('HSET', KEYS[1], 'v', vs, 's', ARGV[3], 'u', ARGV[4], 'd', ARGV[5])
if ARGV[6] ~= '0' then
	redis.call('PEXPIRE', KEYS[1], ARGV[6])
else
	redis.call('PERSIST', KEYS[1])
end
return {'ok', vs}
`)
