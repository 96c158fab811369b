package fakeapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// TestMain fails the package's tests when a goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestAnswerWrite(t *testing.T) {
	tests := []struct {
		name       string
		a          fakeapi.Answer
		body       string
		ctype      string
		retryAfter string
	}{
		{"JSON without HTML escaping", fakeapi.JSON(200, map[string]string{"a": "<b>"}), `{"a":"<b>"}`, fakeapi.ContentJSON, ""},
		{"text", fakeapi.Text(400, "bad"), "bad", fakeapi.ContentText, ""},
		{"Retry-After rounded up", fakeapi.Answer{Status: 429, RetryAfter: 1500 * time.Millisecond}, "", "", "2"},
		{"unencodable JSON", fakeapi.JSON(200, func() {}), "", fakeapi.ContentText, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.a.Write(w)
			assert.Equal(t, tt.a.Status, w.Code)
			if tt.body != "" {
				assert.Equal(t, tt.body, w.Body.String())
			}
			assert.Equal(t, tt.ctype, w.Header().Get("Content-Type"))
			assert.Equal(t, tt.retryAfter, w.Header().Get("Retry-After"))
		})
	}
}

func TestList(t *testing.T) {
	var l fakeapi.List[int]
	l.Add(1, 2)
	l.AddN(2, 3)
	assert.Equal(t, []int{1, 2, 3, 3}, l.All())
	v, ok := l.Take()
	assert.True(t, ok)
	assert.Equal(t, 1, v)
	l.Reset()
	_, ok = l.Take()
	assert.False(t, ok)

}

func TestQueue(t *testing.T) {
	var q fakeapi.Queue[int]
	got, err := q.Wait(t.Context(), time.Millisecond, 5)
	require.NoError(t, err)
	assert.Empty(t, got, "nothing within the wait")

	time.AfterFunc(20*time.Millisecond, func() { q.Push(1, 2, 3) })
	got, err = q.Wait(t.Context(), 5*time.Second, 2)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, got, "woken by the push, at most n")
	assert.Equal(t, 3, q.Len(), "waiting takes nothing")

	q.Update(func(items []int) []int { return items[2:] })
	assert.Equal(t, 1, q.Len())

	q.Update(func([]int) []int { return nil })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = q.Wait(ctx, time.Minute, 1)
	require.ErrorIs(t, err, context.Canceled)
}

func TestPusher(t *testing.T) {
	var posts atomic.Int32
	var auth atomic.Value
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		if posts.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(bot.Close)
	tests := []struct {
		name     string
		attempts int
		want     []int
		err      string
	}{
		{"accepted at the third attempt", 3, []int{503, 503, 200}, ""},
		{"not accepted", 2, []int{503, 503}, "test: webhook not accepted after 2 attempts: statuses [503 503]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts.Store(0)
			p := fakeapi.NewPusher("test", tt.attempts, time.Millisecond, time.Second, func(s int) bool { return s == 200 })
			defer p.Close()
			p.Header = func() http.Header { return http.Header{"Authorization": {"Bearer x"}} }
			got, err := p.Push(t.Context(), bot.URL, []byte(`{}`))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, "Bearer x", auth.Load())
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.err)
		})
	}
	t.Run("no answer", func(t *testing.T) {
		p := fakeapi.NewPusher("test", 1, time.Millisecond, time.Second, func(s int) bool { return s == 200 })
		defer p.Close()
		got, err := p.Push(t.Context(), "http://127.0.0.1:1/", nil)
		assert.Equal(t, []int{0}, got)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "test: webhook not delivered after 1 attempts: "))
	})
}
