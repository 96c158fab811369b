package fakeapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

func TestServer(t *testing.T) {
	s := fakeapi.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fakeapi.Text(http.StatusTeapot, "fake").Write(w)
	}), fakeapi.NewPusher("test", 1, time.Millisecond, time.Second, func(s int) bool { return s == 200 }))
	defer s.Close()
	resp, err := s.Client().Get(s.URL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Equal(t, "fake", string(body))

	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer bot.Close()
	statuses, err := s.Push(t.Context(), bot.URL, []byte(`{}`))
	assert.Equal(t, []int{503}, statuses)
	require.Error(t, err)
	assert.Empty(t, s.PushErrors(), "a Push's error is its caller's")
}

// TestServerPushLater: a post in the background keeps its error, and
// Close ends one still waiting for its next attempt.
func TestServerPushLater(t *testing.T) {
	var posts atomic.Int32
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		posts.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer bot.Close()
	handler := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

	s := fakeapi.NewServer(handler, fakeapi.NewPusher("test", 2, time.Millisecond, time.Second, func(s int) bool { return s == 200 }))
	s.PushLater(bot.URL, []byte(`{}`))
	require.Eventually(t, func() bool { return len(s.PushErrors()) == 1 }, 5*time.Second, time.Millisecond)
	assert.ErrorContains(t, s.PushErrors()[0], "test: webhook not accepted after 2 attempts")
	s.Close()

	slow := fakeapi.NewServer(handler, fakeapi.NewPusher("test", 2, time.Hour, time.Second, func(s int) bool { return s == 200 }))
	slow.PushLater(bot.URL, []byte(`{}`))
	require.Eventually(t, func() bool { return posts.Load() == 3 }, 5*time.Second, time.Millisecond)
	done := make(chan struct{})
	go func() {
		slow.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the next attempt")
	}
	require.Len(t, slow.PushErrors(), 1)
	assert.ErrorIs(t, slow.PushErrors()[0], context.Canceled)
}
