package greenapitest

import (
	"context"
	"time"
)

// pushTimeout bounds one webhook post: GREEN-API waits up to 180 s for an
// answer.
const pushTimeout = 3 * time.Minute

// Push posts a webhook body to a bot's URL as GREEN-API does: JSON, with
// "Authorization: Bearer <WebhookToken>" when one is set, and again after
// an interval while the answer is not 200 (WithPushRetry: 3 attempts,
// 20 ms apart by default). It returns the status of each attempt (0 for a
// request that got no answer) and an error when none was 200 or ctx ended.
func (s *Server) Push(ctx context.Context, url string, body []byte) ([]int, error) {
	return s.base.Push(ctx, url, body)
}
