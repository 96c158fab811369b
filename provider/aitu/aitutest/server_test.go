package aitutest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

const userID = "5a5e7cd3-1b2c-4d5e-8f90-a1b2c3d4e5f6"

// do sends body to path under the server's URL, with token unless it is
// "", and returns the status and the body of the answer.
func do(t *testing.T, srv *aitutest.Server, method, path, token, body string) (int, string) {
	t.Helper()
	return request(t, srv, method, path, token, "", body)
}

// request is do with a Content-Type, unless contentType is "".
func request(t *testing.T, srv *aitutest.Server, method, path, token, contentType, body string) (int, string) {
	t.Helper()
	req := fakeapitest.NewRequest(t, method, srv.URL+path, contentType, body)
	if token != "" {
		req.Header.Set("X-BOT-TOKEN", token)
	}
	a := fakeapitest.Do(t, req)
	return a.Status, a.Body
}

func command(extra string) string {
	return `{"type":"SendMessage","recipient":{"type":"USER","id":"` + userID + `"},"content":"hi"` + extra + `}`
}

func TestServerValidatesCommands(t *testing.T) {
	srv := aitutest.NewServer(aitutest.WithCredentials("tok-123456"))
	defer srv.Close()
	tests := []struct {
		name   string
		token  string
		body   string
		status int
		msg    string
	}{
		{name: "no token", body: `{"commands":[` + command("") + `]}`, status: 401, msg: "Token is not specified"},
		{name: "wrong token", token: "nope", body: `{"commands":[` + command("") + `]}`, status: 401, msg: "Token is invalid"},
		{name: "ok", token: "tok-123456", body: `{"commands":[` + command(`,"localId":"1"`) + `]}`, status: 200},
		{name: "not JSON", token: "tok-123456", body: `commands`, status: 400, msg: "Failed to read HTTP message"},
		{name: "eleven commands", token: "tok-123456", body: `{"commands":[` + strings.Repeat(command("")+",", 10) + command("") + `]}`,
			status: 400, msg: "maximum commands length is 10"},
		{name: "long localId", token: "tok-123456", body: `{"commands":[` + command(`,"localId":"`+strings.Repeat("x", 256)+`"`) + `]}`,
			status: 400, msg: "localId length should be <= 255"},
		{name: "long content", token: "tok-123456",
			body:   `{"commands":[{"type":"SendMessage","recipient":{"type":"USER","id":"` + userID + `"},"content":"` + strings.Repeat("a", 4097) + `"}]}`,
			status: 400, msg: "content length should be <= 4096"},
		{name: "bad peer type", token: "tok-123456", body: `{"commands":[{"type":"SendMessage","recipient":{"type":"ROOM","id":"` + userID + `"},"content":"x"}]}`,
			status: 400, msg: "not a valid peer type"},
		{name: "bad id", token: "tok-123456", body: `{"commands":[{"type":"SendMessage","recipient":{"type":"USER","id":"42"},"content":"x"}]}`,
			status: 400, msg: "recipient.id is not a valid UUID"},
		{name: "registered contact without user id", token: "tok-123456",
			body:   `{"commands":[{"type":"SendContactMessage","recipient":{"type":"USER","id":"` + userID + `"},"inputMedia":{"contactType":"InputRegisteredContact"}}]}`,
			status: 400, msg: "userId is not a valid UUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, srv, http.MethodPost, "updates/", tt.token, tt.body)
			assert.Equal(t, tt.status, status, body)
			assert.Contains(t, body, tt.msg)
		})
	}
	require.Len(t, srv.SentMessages(), 1)
	assert.Equal(t, 1, srv.Pending(), "a MessageIdAssigned for the localId")
	status, body := do(t, srv, http.MethodGet, "updates/", "tok-123456", "")
	assert.Equal(t, 200, status)
	var got struct {
		Updates []map[string]any `json:"updates"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Len(t, got.Updates, 1)
	assert.Equal(t, "MessageIdAssigned", got.Updates[0]["type"])
	assert.Equal(t, "1", got.Updates[0]["localId"])
	assert.Equal(t, srv.SentMessages()[0].MessageID, got.Updates[0]["id"])
}

func TestServerOnePollAtATime(t *testing.T) {
	srv := aitutest.NewServer(aitutest.WithMaxPollWait(200 * time.Millisecond))
	defer srv.Close()
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				time.Sleep(50 * time.Millisecond)
			}
			statuses[i], _ = do(t, srv, http.MethodGet, "updates", srv.Token, "")
		}()
	}
	wg.Wait()
	assert.Equal(t, []int{200, 409}, statuses)
}

func TestServerPushRetries(t *testing.T) {
	srv := aitutest.NewServer(aitutest.WithPushRetry(3, time.Millisecond))
	defer srv.Close()
	n := 0
	var got []byte
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		got, _ = io.ReadAll(r.Body)
	}))
	defer bot.Close()
	body := aitutest.Batch(srv.IncomingText(aitutest.Incoming{}, "hi"))
	statuses, err := srv.Push(t.Context(), bot.URL, body)
	require.NoError(t, err)
	assert.Equal(t, []int{503, 503, 200}, statuses)
	assert.True(t, bytes.Equal(body, got))
}

func TestServerFailures(t *testing.T) {
	srv := aitutest.NewServer(aitutest.WithPlainTextErrors())
	defer srv.Close()
	srv.FailNext(1, 429, 1500*time.Millisecond)
	srv.FailNextWith(1, aitutest.Failure{Status: 400, Body: aitutest.WebhookSpecified})
	req := fakeapitest.NewRequest(t, http.MethodGet, srv.URL+"updates/", "", "")
	req.Header.Set("X-BOT-TOKEN", srv.Token)
	a := fakeapitest.Do(t, req)
	assert.Equal(t, 429, a.Status)
	assert.Equal(t, "2", a.Header.Get("Retry-After"))
	status, body := do(t, srv, http.MethodGet, "updates/", srv.Token, "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "Webhook is specified", body)
	status, _ = do(t, srv, http.MethodGet, "nothing/", srv.Token, "")
	assert.Equal(t, 404, status)
}
