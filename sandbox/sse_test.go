package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stream reads a server-sent event stream.
type stream struct {
	resp *http.Response
	sc   *bufio.Scanner
}

// openStream opens the event stream after id; it is closed when t ends.
func openStream(t *testing.T, ctx context.Context, base string, after int64) *stream {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sandbox/api/events", nil)
	require.NoError(t, err)
	if after > 0 {
		req.Header.Set("Last-Event-ID", strings.TrimSpace(jsonInt(after)))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	return &stream{resp: resp, sc: bufio.NewScanner(resp.Body)}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// next returns the next event, or false when the stream ended.
func (s *stream) next(t *testing.T) (Event, json.RawMessage, bool) {
	t.Helper()
	var id, kind string
	var data string
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			kind = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "" && data != "":
			var e struct {
				Event
				Data json.RawMessage `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(data), &e))
			assert.Equal(t, id, jsonInt(e.ID))
			assert.Equal(t, kind, e.Kind)
			return e.Event, e.Data, true
		}
	}
	return Event{}, nil, false
}

// until reads events until one of kind, and returns its data.
func (s *stream) until(t *testing.T, kind string) (Event, json.RawMessage) {
	t.Helper()
	for {
		e, data, ok := s.next(t)
		require.True(t, ok, "the stream ended before a %q event", kind)
		if e.Kind == kind {
			return e, data
		}
	}
}

func TestEventStream(t *testing.T) {
	tests := []struct {
		messenger Messenger
		chat      string
	}{{WhatsApp, "79001234567@c.us"}, {MAX, "10000000"}, {Aitu, "USER:"}}
	for _, tt := range tests {
		t.Run(string(tt.messenger), func(t *testing.T) {
			s := start(t, Config{Messengers: []Messenger{tt.messenger}})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st := openStream(t, ctx, s.url, 0)
			posted := make(chan struct{})
			go func() {
				defer close(posted)
				if resp, err := http.Post(s.url+"/sandbox/"+string(tt.messenger)+"/text", "text/plain", strings.NewReader("live?")); err == nil {
					resp.Body.Close()
				}
			}()
			defer func() { <-posted }()

			e, data := st.until(t, KindMessage)
			var msg MessageData
			require.NoError(t, json.Unmarshal(data, &msg))
			assert.Equal(t, tt.messenger, e.Messenger)
			assert.Equal(t, "live?", msg.Text)
			assert.Equal(t, "ivan", msg.From)

			// The fake reports the reply while it answers the call.
			_, data = st.until(t, KindReply)
			var r Reply
			require.NoError(t, json.Unmarshal(data, &r))
			assert.Equal(t, "live?", r.Text)
			assert.True(t, strings.HasPrefix(r.Chat, tt.chat), r.Chat)

			_, data = st.until(t, KindCall)
			var call CallData
			require.NoError(t, json.Unmarshal(data, &call))
			assert.True(t, call.Send)
			assert.Equal(t, http.StatusOK, call.Status)
			assert.Contains(t, string(mustJSON(t, call.Request)), "live?")

			hook, data := st.until(t, KindWebhook)
			var w WebhookData
			require.NoError(t, json.Unmarshal(data, &w))
			assert.Equal(t, http.StatusOK, w.Status)
			assert.Contains(t, string(w.Body), "live?")

			// A page that reconnects gets what came after its last event.
			st2 := openStream(t, ctx, s.url, hook.ID-1)
			again, _, ok := st2.next(t)
			require.True(t, ok)
			assert.Equal(t, hook.ID, again.ID)
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestCloseEndsStreams(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := openStream(t, ctx, s.url, 0)
	require.NoError(t, s.sb.Close())
	_, _, ok := st.next(t)
	assert.False(t, ok, "the stream ends when the sandbox closes")
	require.NoError(t, ctx.Err(), "and before the test's deadline")

	status, _ := do(t, http.MethodPost, s.url+"/sandbox/whatsapp/text", "late")
	assert.Equal(t, http.StatusServiceUnavailable, status, "a closed sandbox delivers nothing")
	status, _ = do(t, http.MethodGet, s.url+"/sandbox/api/events", "")
	assert.Equal(t, http.StatusServiceUnavailable, status)
}

// A stream ends, and takes no more events, when its page goes away.
func TestStreamEndsWhenThePageGoes(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pageCtx, leave := context.WithCancel(ctx)
	openStream(t, pageCtx, s.url, 0)
	require.Equal(t, 1, subscribers(s.sb))
	leave()
	require.Eventually(t, func() bool { return subscribers(s.sb) == 0 }, 5*time.Second, time.Millisecond)
}

func TestHubDropsASlowSubscriber(t *testing.T) {
	h := newHub(3)
	_, ch, ok := h.subscribe(0)
	require.True(t, ok)
	for i := 0; i < subscriberBuffer+1; i++ {
		h.publish(KindReply, WhatsApp, i)
	}
	n := 0
	for range ch { // closed once it fell behind
		n++
	}
	assert.Equal(t, subscriberBuffer, n)
	backlog, _, ok := h.subscribe(0)
	require.True(t, ok)
	require.Len(t, backlog, 3, "the hub keeps its History only")
	assert.Equal(t, int64(subscriberBuffer+1), backlog[2].ID)
	h.close()
	_, _, ok = h.subscribe(0)
	assert.False(t, ok)
	h.publish(KindCall, WhatsApp, "after close") // a call of the bot after Close
	assert.Len(t, h.log, 3, "a closed hub keeps nothing more")
}
