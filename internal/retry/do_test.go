package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
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

// TestDoAtMostOnce: a call that must not be repeated once its request may
// have reached the server is attempted again only after a failure that
// proves it did not, or a 429.
func TestDoAtMostOnce(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	cut := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	tests := []struct {
		name     string
		outcomes []any // an int status, or an error
		attempts int
		ok       bool
	}{
		{"connection refused, then 200", []any{refused, 200}, 2, true},
		{"DNS failure, then 200", []any{&net.DNSError{Err: "no such host", Name: "api.test"}, 200}, 2, true},
		{"429, then 200", []any{429, 200}, 2, true},
		{"connection cut after the request", []any{cut, 200}, 1, false},
		{"timeout", []any{context.DeadlineExceeded, 200}, 1, false},
		{"500", []any{500, 200}, 1, false},
		{"503", []any{503, 200}, 1, false},
	}
	for _, tt := range tests {
		for _, once := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/AtMostOnce=%v", tt.name, once), func(t *testing.T) {
				c, n := call(nil, 3)
				c.AtMostOnce = once
				c.Attempt = func(context.Context) (*http.Response, error) {
					o := tt.outcomes[min(*n, len(tt.outcomes)-1)]
					*n++
					if err, ok := o.(error); ok {
						return nil, err
					}
					return &http.Response{StatusCode: o.(int), Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}, nil
				}
				resp, err := retry.Do(context.Background(), c)
				want, wantOK := tt.attempts, tt.ok
				if !once {
					want, wantOK = 2, true // a call that may be repeated is
				}
				assert.Equal(t, want, *n)
				if wantOK {
					require.NoError(t, err)
					assert.Equal(t, 200, resp.StatusCode)
					return
				}
				require.Error(t, err)
			})
		}
	}
}
