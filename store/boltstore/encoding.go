package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cardbot/cardbot/store"
)

// The values of the queue and dead buckets. An entry is
//
//	version (1 byte, 1)
//	Pushed (8 bytes, Unix nanoseconds, big endian)
//	Provider, ChatID, Key (each a uvarint length, then the bytes)
//	Update (the rest)
//
// and a dead letter is
//
//	version (1 byte, 1)
//	Failed (8 bytes, Unix nanoseconds, big endian)
//	Reason (a uvarint length, then the bytes)
//	the entry, as above
//
// The ID of either is its key in its bucket, not in its value.
const encodingV1 = 1

// errEncoding means a stored value cannot be decoded.
var errEncoding = errors.New("malformed value")

func encodeEntry(e *store.Entry, pushed time.Time) []byte {
	b := make([]byte, 0, 1+8+3*binary.MaxVarintLen16+len(e.Provider)+len(e.ChatID)+len(e.Key)+len(e.Update))
	b = append(b, encodingV1)
	b = binary.BigEndian.AppendUint64(b, uint64(pushed.UnixNano()))
	b = appendString(b, e.Provider)
	b = appendString(b, e.ChatID)
	b = appendString(b, e.Key)
	return append(b, e.Update...)
}

// decodeEntry decodes v into an entry of ID id. It copies what it keeps of
// v, which may be memory of a transaction.
func decodeEntry(id string, v []byte) (store.Entry, error) {
	e := store.Entry{ID: id}
	if len(v) < 9 || v[0] != encodingV1 {
		return e, fmt.Errorf("entry %s: %w", id, errEncoding)
	}
	e.Pushed = time.Unix(0, int64(binary.BigEndian.Uint64(v[1:9])))
	v = v[9:]
	var ok bool
	if e.Provider, v, ok = cutString(v); !ok {
		return e, fmt.Errorf("entry %s: %w", id, errEncoding)
	}
	if e.ChatID, v, ok = cutString(v); !ok {
		return e, fmt.Errorf("entry %s: %w", id, errEncoding)
	}
	if e.Key, v, ok = cutString(v); !ok {
		return e, fmt.Errorf("entry %s: %w", id, errEncoding)
	}
	e.Update = append([]byte(nil), v...)
	return e, nil
}

// encodeDead makes the dead letter of the stored entry value entry.
func encodeDead(entry []byte, reason string, failed time.Time) []byte {
	b := make([]byte, 0, 1+8+binary.MaxVarintLen32+len(reason)+len(entry))
	b = append(b, encodingV1)
	b = binary.BigEndian.AppendUint64(b, uint64(failed.UnixNano()))
	b = appendString(b, reason)
	return append(b, entry...)
}

// splitDead returns the parts of a dead letter's value; entry is memory of
// v.
func splitDead(v []byte) (entry []byte, reason string, failed time.Time, err error) {
	if len(v) < 9 || v[0] != encodingV1 {
		return nil, "", time.Time{}, errEncoding
	}
	failed = time.Unix(0, int64(binary.BigEndian.Uint64(v[1:9])))
	reason, entry, ok := cutString(v[9:])
	if !ok {
		return nil, "", time.Time{}, errEncoding
	}
	return entry, reason, failed, nil
}

func decodeDead(id string, v []byte) (store.DeadLetter, error) {
	entry, reason, failed, err := splitDead(v)
	if err != nil {
		return store.DeadLetter{}, fmt.Errorf("dead letter %s: %w", id, err)
	}
	e, err := decodeEntry(id, entry)
	if err != nil {
		return store.DeadLetter{}, fmt.Errorf("dead letter %s: %w", id, err)
	}
	return store.DeadLetter{Entry: e, Reason: reason, Failed: failed}, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// cutString reads a string appendString wrote at the start of b, and
// returns it (a copy) and the rest of b.
func cutString(b []byte) (string, []byte, bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return "", b, false
	}
	return string(b[w : w+int(n)]), b[w+int(n):], true
}
