package redisstore

import "slices"

// Owned lists the partitions whose lease q's running Consume holds.
func Owned(q *Queue) []int {
	c := q.cons.Load()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var ps []int
	for _, p := range c.parts {
		if p.token != "" {
			ps = append(ps, p.n)
		}
	}
	return slices.Clip(ps)
}

// Keys returns the stream and dead-letter keys of partition p.
func Keys(q *Queue, p int) (stream, dead string) {
	return q.parts[p].stream, q.parts[p].dead
}

// StateKey returns the Redis key of the conversation key.
func StateKey(s *StateStore, key string) string { return s.key(key) }
