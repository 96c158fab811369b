package aitutest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Push posts a body ({"updates":[…]}, see Batch) to a bot's webhook URL as
// Aitu does: JSON, no signature; and again after an interval while the
// answer is not 2xx (WithPushRetry). It returns the status of each attempt
// (0 for one that got no answer) and an error when none was 2xx or ctx
// ended.
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
		if status >= 200 && status < 300 {
			return statuses, nil
		}
		last = err
		if ctx.Err() != nil {
			return statuses, ctx.Err()
		}
	}
	if last != nil {
		return statuses, fmt.Errorf("aitutest: webhook not delivered after %d attempts: %w", len(statuses), last)
	}
	return statuses, fmt.Errorf("aitutest: webhook not accepted after %d attempts: statuses %v", len(statuses), statuses)
}

func (s *Server) post(ctx context.Context, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.push.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
