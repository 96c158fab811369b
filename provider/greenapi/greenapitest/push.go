package greenapitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
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
	var statuses []int
	var last error
	for i := 0; i < s.opts.pushAttempts; i++ {
		if i > 0 {
			t := time.NewTimer(s.opts.pushInterval)
			select {
			case <-ctx.Done():
				t.Stop()
				return statuses, ctx.Err()
			case <-t.C:
			}
		}
		status, err := s.post(ctx, url, body)
		statuses = append(statuses, status)
		if status == http.StatusOK {
			return statuses, nil
		}
		last = err
		if ctx.Err() != nil {
			return statuses, ctx.Err()
		}
	}
	if last != nil {
		return statuses, fmt.Errorf("greenapitest: webhook not delivered after %d attempts: %w", len(statuses), last)
	}
	return statuses, fmt.Errorf("greenapitest: webhook not accepted after %d attempts: statuses %v", len(statuses), statuses)
}

func (s *Server) post(ctx context.Context, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.WebhookToken != "" {
		req.Header.Set("Authorization", "Bearer "+s.WebhookToken)
	}
	resp, err := s.push.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
