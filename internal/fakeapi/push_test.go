package fakeapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

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
	t.Run("a URL that cannot be requested", func(t *testing.T) {
		p := fakeapi.NewPusher("test", 3, time.Millisecond, time.Second, func(s int) bool { return s == 200 })
		defer p.Close()
		got, err := p.Push(t.Context(), "http://bad host/", nil)
		assert.Equal(t, []int{0, 0, 0}, got)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "test: webhook not delivered after 3 attempts: "), err.Error())
	})
}
