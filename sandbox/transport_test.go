package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
)

// sendingPeer is a peer to whom every call sends, and whose secret is
// "tok"; the transport uses nothing else of a peer.
type sendingPeer struct{ peer }

func (sendingPeer) redact(p string) string    { return strings.ReplaceAll(p, "tok", "{token}") }
func (sendingPeer) isSend(*http.Request) bool { return true }

// roundTripFunc is a base transport of the tests.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// errReader fails every read.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
func (errReader) Close() error               { return nil }

// A call that goes wrong fails with the reason, and its call event says
// why, the token cut out.
func TestTransportFailures(t *testing.T) {
	errRead := errors.New("the body broke")
	errDial := errors.New("dial http://fake/tok: connection refused")
	ok := func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`))}, nil
	}
	tests := []struct {
		name   string
		body   io.ReadCloser
		base   roundTripFunc
		slow   bool
		cancel bool // the call's context ends while it is slowed
		closed bool // the sandbox closes while the call is slowed
		want   error
		call   *CallData // the call event, nil for none
	}{
		{
			name: "request body unread", body: errReader{errRead}, base: ok, want: errRead,
		},
		{
			name: "fake unreachable", base: func(*http.Request) (*http.Response, error) { return nil, errDial }, want: errDial,
			call: &CallData{Method: "sendMessage", HTTPMethod: http.MethodPost, Path: "/waInstance1/sendMessage/{token}", Send: true, Error: "dial http://fake/{token}: connection refused"},
		},
		{
			name: "response body unread", want: errRead, base: func(*http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: errReader{errRead}}, nil
			},
			call: &CallData{Method: "sendMessage", HTTPMethod: http.MethodPost, Path: "/waInstance1/sendMessage/{token}", Send: true, Status: http.StatusOK, Error: "the body broke"},
		},
		{
			name: "cancelled while slowed", base: ok, slow: true, cancel: true, want: context.Canceled,
			call: &CallData{Method: "sendMessage", HTTPMethod: http.MethodPost, Path: "/waInstance1/sendMessage/{token}", Send: true, Error: "context canceled", Fault: "slowed by 1m0s"},
		},
		{
			name: "sandbox closed while slowed", base: ok, slow: true, closed: true, want: errSandboxClosed,
			call: &CallData{Method: "sendMessage", HTTPMethod: http.MethodPost, Path: "/waInstance1/sendMessage/{token}", Send: true, Error: errSandboxClosed.Error(), Fault: "slowed by 1m0s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []CallData
			done := make(chan struct{})
			tr := &transport{base: tt.base, faults: &faults{delay: time.Minute}, done: done, p: sendingPeer{},
				record: func(c CallData) { calls = append(calls, c) }, changed: func(Faults) {}}
			if tt.slow {
				_, err := tr.faults.apply(FaultRequest{Slow: new(true)})
				require.NoError(t, err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://fake/waInstance1/sendMessage/tok", nil)
			require.NoError(t, err)
			req.Body = tt.body
			if req.Body == nil {
				req.Body = io.NopCloser(strings.NewReader(`{"message":"hi"}`))
			}
			switch {
			case tt.cancel:
				time.AfterFunc(10*time.Millisecond, cancel)
			case tt.closed:
				time.AfterFunc(10*time.Millisecond, func() { close(done) })
			}

			start := time.Now()
			resp, err := tr.RoundTrip(req)
			if resp != nil {
				resp.Body.Close()
			}
			require.ErrorIs(t, err, tt.want)
			assert.Less(t, time.Since(start), 10*time.Second, "a slowed call ends at once")
			if tt.call == nil {
				assert.Empty(t, calls)
				return
			}
			require.Len(t, calls, 1)
			got := calls[0]
			got.Request, got.Response, got.Millis = nil, nil, 0
			assert.Equal(t, *tt.call, got)
		})
	}
}

// Close ends a call the page slowed at once, with an error, and the bot's
// calls fail from then on.
func TestCloseEndsSlowedCalls(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}, SlowDelay: time.Minute})
	setFaults(t, s.url, WhatsApp, `{"slow":true}`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sent := make(chan error, 1)
	go func() {
		_, err := s.bot.Send(ctx, "greenapi", "77011234567@c.us", cardbot.Text{Body: "slowly"})
		sent <- err
	}()
	time.Sleep(50 * time.Millisecond) // the call is waiting, most likely; it fails the same otherwise
	require.NoError(t, s.sb.Close())
	select {
	case err := <-sent:
		assert.ErrorIs(t, err, errSandboxClosed)
	case <-ctx.Done():
		t.Fatal("the slowed call did not end")
	}
	_, err := s.bot.Send(ctx, "greenapi", "77011234567@c.us", cardbot.Text{Body: "after"})
	assert.Error(t, err)
	assert.Empty(t, s.sb.ms[WhatsApp].peer.replies(), "the fake got nothing")
}

// A call event shows JSON as it is, other text as a string, and describes
// anything else.
func TestShown(t *testing.T) {
	big := strings.Repeat("a", shownBodyLimit+1)
	tests := []struct {
		name, body, contentType string
		want                    any
	}{
		{"nothing", "", "", nil},
		{"JSON", `{"a":1}`, "application/json", []byte(`{"a":1}`)},
		{"text", "a=1&b=2", "application/x-www-form-urlencoded", "a=1&b=2"},
		{"binary", "\xff\xfe\x00", "image/png", "(3 bytes of image/png data)"},
		{"binary of no type", "\xff\xfe\x00", "", "(3 bytes of data)"},
		{"long text", big, "text/plain", "(65537 bytes of text/plain data)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shown([]byte(tt.body), tt.contentType)
			if want, ok := tt.want.([]byte); ok {
				assert.Equal(t, json.RawMessage(want), got, "JSON as it is")
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
