package aitutest

import (
	"context"
)

// Push posts a body ({"updates":[…]}, see Batch) to a bot's webhook URL as
// Aitu does: JSON, no signature; and again after an interval while the
// answer is not 2xx (WithPushRetry). It returns the status of each attempt
// (0 for one that got no answer) and an error when none was 2xx or ctx
// ended.
func (s *Server) Push(ctx context.Context, url string, body []byte) ([]int, error) {
	return s.base.Push(ctx, url, body)
}
