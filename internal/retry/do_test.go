package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/retry"
)

// call answers attempts in turn: a status, or a network error when 0.
func call(statuses []int, retries int) (retry.Call, *int) {
	n := 0
	errNet := errors.New("connection refused")
	return retry.Call{
		Provider: "test", Method: "send", Retries: retries,
		Backoff: retry.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond},
		Logger:  slog.New(slog.DiscardHandler),
		Attempt: func(context.Context) (*http.Response, error) {
			s := statuses[min(n, len(statuses)-1)]
			n++
			if s == 0 {
				return nil, errNet
			}
			return &http.Response{StatusCode: s, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("body"))}, nil
		},
		NetError: func(err error) error { return errors.New("net: " + err.Error()) },
		StatusError: func(resp *http.Response, body []byte) (bool, time.Duration, error) {
			var ra time.Duration
			if resp.StatusCode == 429 {
				ra = time.Duration(resp.StatusCode-428) * time.Millisecond
			}
			return resp.StatusCode >= 429, ra, fmt.Errorf("status %d %s", resp.StatusCode, body)
		},
	}, &n
}

func TestDo(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		retries  int
		ok       bool
		attempts int
	}{
		{"first try", []int{200}, 3, true, 1},
		{"429 then 200", []int{429, 200}, 3, true, 2},
		{"network error then 200", []int{0, 200}, 3, true, 2},
		{"400 is final", []int{400, 200}, 3, false, 1},
		{"retries run out", []int{500}, 2, false, 3},
		{"no retries", []int{500, 200}, 0, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, n := call(tt.statuses, tt.retries)
			resp, err := retry.Do(context.Background(), c)
			assert.Equal(t, tt.attempts, *n)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, 200, resp.StatusCode)
				return
			}
			require.Error(t, err)
			assert.Nil(t, resp)
		})
	}
}

func TestDoRetryAfterOverMaxIsFinal(t *testing.T) {
	c, n := call([]int{429, 200}, 3)
	c.Backoff.Max = 0 // any Retry-After is longer
	_, err := retry.Do(context.Background(), c)
	require.Error(t, err)
	assert.Equal(t, 1, *n)
}

func TestDoContextEndsTheWait(t *testing.T) {
	c, _ := call([]int{500}, 5)
	c.Backoff = retry.Backoff{Min: time.Hour, Max: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := retry.Do(ctx, c)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "test: send: ")
	assert.Contains(t, err.Error(), "after 1 attempt(s); last: status 500")
}

func TestDoFinal(t *testing.T) {
	c, n := call([]int{200}, 3)
	errBuild := errors.New("cannot build the request")
	c.Attempt = func(context.Context) (*http.Response, error) { *n++; return nil, retry.Final(errBuild) }
	c.NetError = func(error) error { t.Fatal("a final error is not a network error"); return nil }
	_, err := retry.Do(context.Background(), c)
	assert.Same(t, errBuild, err, "returned as it is")
	assert.Equal(t, 1, *n, "not retried")
}
