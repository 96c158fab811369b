package retry_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot/internal/retry"
)

func TestBackoffWait(t *testing.T) {
	b := retry.Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	tests := []struct {
		name       string
		n          int
		retryAfter time.Duration
		lo, hi     time.Duration
	}{
		{"first attempt", 1, 0, 50 * time.Millisecond, 100 * time.Millisecond},
		{"doubles", 2, 0, 100 * time.Millisecond, 200 * time.Millisecond},
		{"doubles again", 3, 0, 200 * time.Millisecond, 400 * time.Millisecond},
		{"capped at Max", 10, 0, 500 * time.Millisecond, time.Second},
		{"Retry-After with jitter", 1, 300 * time.Millisecond, 300 * time.Millisecond, 350 * time.Millisecond},
		{"Retry-After over Max is kept", 1, 2 * time.Second, 2 * time.Second, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 200 { // the jitter must stay in bounds every time
				got := b.Wait(tt.n, tt.retryAfter)
				assert.GreaterOrEqual(t, got, tt.lo)
				assert.LessOrEqual(t, got, tt.hi)
			}
		})
	}
	assert.Zero(t, retry.Backoff{}.Wait(1, 0), "no backoff configured: no wait")
}

func TestSleep(t *testing.T) {
	assert.NoError(t, retry.Sleep(context.Background(), time.Millisecond))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	assert.ErrorIs(t, retry.Sleep(ctx, time.Hour), context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
}

func TestNetError(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{context.DeadlineExceeded, true},
		{fmt.Errorf("get: %w", x509.UnknownAuthorityError{}), false},
		{&tls.CertificateVerificationError{Err: errors.New("expired")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			assert.Equal(t, tt.want, retry.NetError(tt.err))
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"999999999", 24 * time.Hour},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), 24 * time.Hour},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, retry.ParseRetryAfter(tt.in, now), tt.in)
	}
}

func TestBackoffOrAndRetries(t *testing.T) {
	def := retry.Backoff{Min: time.Second, Max: 30 * time.Second}
	tests := []struct {
		name string
		in   retry.Backoff
		want retry.Backoff
	}{
		{"unset", retry.Backoff{}, def},
		{"negative", retry.Backoff{Min: -1, Max: -1}, def},
		{"set", retry.Backoff{Min: time.Millisecond, Max: time.Second}, retry.Backoff{Min: time.Millisecond, Max: time.Second}},
		{"max below min", retry.Backoff{Min: time.Minute, Max: time.Second}, retry.Backoff{Min: time.Minute, Max: time.Minute}},
		{"only min, over the default max", retry.Backoff{Min: time.Minute}, retry.Backoff{Min: time.Minute, Max: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.in.Or(def))
		})
	}
	assert.Equal(t, 3, retry.Retries(0, 3))
	assert.Equal(t, 0, retry.Retries(-1, 3))
	assert.Equal(t, 5, retry.Retries(5, 3))
}

func TestNotSent(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"refused, wrapped as net/http does", &url.Error{Op: "Post", URL: "http://x", Err: refused}, true},
		{"DNS failure", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}, true},
		{"bare DNS failure", &net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}, true},
		{"dial timeout", &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, true},
		{"connection reset while reading", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, false},
		{"write failed", &net.OpError{Op: "write", Err: syscall.EPIPE}, false},
		{"answer cut", fmt.Errorf("post: %w", io.ErrUnexpectedEOF), false},
		{"timeout awaiting headers", context.DeadlineExceeded, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, retry.NotSent(tt.err))
		})
	}
}
