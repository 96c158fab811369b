package greenapitest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func newServer(t *testing.T, opts ...greenapitest.Option) *greenapitest.Server {
	t.Helper()
	s := greenapitest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// do sends a raw request and returns the status, the content type and the
// body.
func do(t *testing.T, method, url, body string) (int, string, string) {
	t.Helper()
	a := fakeapitest.Do(t, fakeapitest.NewRequest(t, method, url, "", body))
	return a.Status, a.Header.Get("Content-Type"), a.Body
}

func api(s *greenapitest.Server, method string) string {
	return s.URL + "/waInstance" + s.IDInstance + "/" + method + "/" + s.Token
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		status int
		msg    string // in the body
	}{
		{"text", "sendMessage", `{"chatId":"79001234567@c.us","message":"hi"}`, 200, "idMessage"},
		{"text to old group", "sendMessage", `{"chatId":"79001234567-1581234048@g.us","message":"hi"}`, 200, "idMessage"},
		{"text to new group", "sendMessage", `{"chatId":"120363043968066561@g.us","message":"hi"}`, 200, "idMessage"},
		{"method name in another case", "SendMessage", `{"chatId":"79001234567@c.us","message":"hi"}`, 200, "idMessage"},
		{"not JSON", "sendMessage", `{"chatId":`, 400, "Unexpected token in JSON"},
		{"no chatId", "sendMessage", `{"message":"hi"}`, 400, "'chatId' is required"},
		{"chatId a number", "sendMessage", `{"chatId":79001234567,"message":"hi"}`, 400, "'chatId' must be a string"},
		{"bare phone as chatId", "sendMessage", `{"chatId":"79001234567","message":"hi"}`, 400, "'chatId' must be a chat id"},
		{"empty message", "sendMessage", `{"chatId":"79001234567@c.us","message":""}`, 400, "'message' is required"},
		{"no message", "sendMessage", `{"chatId":"79001234567@c.us"}`, 400, "'message' is required"},
		{"message too long", "sendMessage", `{"chatId":"79001234567@c.us","message":"` + strings.Repeat("a", 20001) + `"}`, 400, "20000"},
		{"quotedMessageId a number", "sendMessage", `{"chatId":"79001234567@c.us","message":"hi","quotedMessageId":5}`, 400, "quotedMessageId"},
		{"contact", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"firstName":"Artem"}}`, 200, "idMessage"},
		{"contact of 12 digits, company only", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":380501234567,"company":"Acme"}}`, 200, "idMessage"},
		{"no contact", "sendContact", `{"chatId":"79001234567@c.us"}`, 400, "'contact' is required"},
		{"phoneContact a string", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":"79001234568","firstName":"A"}}`, 400, "phoneContact"},
		{"phoneContact of 10 digits", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":9001234568,"firstName":"A"}}`, 400, "phoneContact"},
		{"phoneContact of 13 digits", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":7900123456899,"firstName":"A"}}`, 400, "phoneContact"},
		{"phoneContact a float", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568.0,"firstName":"A"}}`, 400, "phoneContact"},
		{"no phoneContact", "sendContact", `{"chatId":"79001234567@c.us","contact":{"firstName":"A"}}`, 400, "phoneContact"},
		{"no name", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568}}`, 400, "at least one of"},
		{"blank names", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"firstName":" ","lastName":""}}`, 400, "at least one of"},
		{"contact to a bad chat", "sendContact", `{"chatId":"me","contact":{"phoneContact":79001234568,"firstName":"A"}}`, 400, "'chatId'"},
		{"message a number", "sendMessage", `{"chatId":"79001234567@c.us","message":5}`, 400, "'message' must be a string"},
		{"contact body not JSON", "sendContact", `{"chatId":`, 400, "Unexpected token in JSON"},
		{"contact not an object", "sendContact", `{"chatId":"79001234567@c.us","contact":"Artem"}`, 400, "'contact' must be an object"},
		{"contact names not strings", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"firstName":5}}`, 400, "'contact' names must be strings"},
		{"contact quotedMessageId a number", "sendContact", `{"chatId":"79001234567@c.us","contact":{"phoneContact":79001234568,"firstName":"A"},"quotedMessageId":5}`, 400, "'quotedMessageId' must be a string"},
		{"downloadFile body not JSON", "downloadFile", `nope`, 400, "Unexpected token in JSON"},
		{"downloadFile of a bad chat", "downloadFile", `{"chatId":"me","idMessage":"M1"}`, 400, "'chatId'"},
		{"downloadFile without idMessage", "downloadFile", `{"chatId":"79001234567@c.us"}`, 400, "'idMessage' is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			status, _, body := do(t, http.MethodPost, api(s, tt.method), tt.body)
			assert.Equal(t, tt.status, status)
			assert.Contains(t, body, tt.msg)
			calls := s.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, tt.status, calls[0].Status)
			if tt.status == 200 {
				assert.Len(t, s.SentMessages(), 1)
			} else {
				assert.Empty(t, s.SentMessages())
			}
		})
	}
}

func TestErrorBodies(t *testing.T) {
	s := newServer(t)
	status, ct, body := do(t, http.MethodPost, api(s, "sendMessage"), `{"chatId":"x"}`)
	assert.Equal(t, 400, status)
	assert.Equal(t, "application/json", ct)
	assert.JSONEq(t, `{"message":"Validation failed. Details: 'chatId' must be a chat id such as 79001234567@c.us"}`, body)

	status, ct, body = do(t, http.MethodPost, api(s, "sendMessage"), `nope`)
	assert.Equal(t, 400, status)
	assert.True(t, strings.HasPrefix(ct, "text/plain"))
	assert.Equal(t, "Unexpected token in JSON at position 1", body)

	p := newServer(t, greenapitest.WithPlainTextErrors())
	status, ct, body = do(t, http.MethodPost, api(p, "sendMessage"), `{"chatId":"x"}`)
	assert.Equal(t, 400, status)
	assert.True(t, strings.HasPrefix(ct, "text/plain"))
	assert.Equal(t, "Validation failed. Details: 'chatId' must be a chat id such as 79001234567@c.us", body)
}

func TestAuthAndRouting(t *testing.T) {
	s := newServer(t, greenapitest.WithCredentials("7103000000", "tok3n"))
	ok := `{"chatId":"79001234567@c.us","message":"hi"}`
	tests := []struct {
		name, method, url string
		status            int
	}{
		{"right", "POST", s.URL + "/waInstance7103000000/sendMessage/tok3n", 200},
		{"wrong token", "POST", s.URL + "/waInstance7103000000/sendMessage/t0ken", 401},
		{"no token", "POST", s.URL + "/waInstance7103000000/sendMessage", 404},
		{"wrong instance", "POST", s.URL + "/waInstance7103000001/sendMessage/tok3n", 403},
		{"unknown method", "POST", s.URL + "/waInstance7103000000/sendSticker/tok3n", 404},
		{"wrong HTTP method", "GET", s.URL + "/waInstance7103000000/sendMessage/tok3n", 404},
		{"other path", "POST", s.URL + "/api/sendMessage", 404},
		{"state", "GET", s.URL + "/waInstance7103000000/getStateInstance/tok3n", 200},
	}
	for _, tt := range tests {
		status, _, _ := do(t, tt.method, tt.url, ok)
		assert.Equal(t, tt.status, status, tt.name)
	}
	assert.Equal(t, "7103000000", s.IDInstance)
	assert.Equal(t, "tok3n", s.Token)
}

func TestRandomToken(t *testing.T) {
	a, b := newServer(t), newServer(t)
	assert.Len(t, a.Token, 32)
	assert.NotEqual(t, a.Token, b.Token)
	assert.Equal(t, "1101000001", a.IDInstance)
}

func TestFailNext(t *testing.T) {
	s := newServer(t)
	ok := `{"chatId":"79001234567@c.us","message":"hi"}`
	s.FailNext(2, 429, 1500*time.Millisecond)
	s.FailNext(1, 466, 0)
	s.FailNext(1, 500, 0)
	s.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`})

	// Wrong credentials do not use up a failure.
	status, _, _ := do(t, "POST", s.URL+"/waInstance"+s.IDInstance+"/sendMessage/bad", ok)
	assert.Equal(t, 401, status)

	a := fakeapitest.Do(t, fakeapitest.NewRequest(t, "POST", api(s, "sendMessage"), "", ok))
	assert.Equal(t, 429, a.Status)
	assert.Equal(t, "2", a.Header.Get("Retry-After"), "rounded up to whole seconds")

	status, _, _ = do(t, "POST", api(s, "sendMessage"), ok)
	assert.Equal(t, 429, status)
	status, ct, body := do(t, "POST", api(s, "sendMessage"), ok)
	assert.Equal(t, 466, status)
	assert.Equal(t, "application/json", ct)
	assert.Contains(t, body, "CORRESPONDENTS_QUOTE_EXCEEDED")
	status, _, body = do(t, "POST", api(s, "sendMessage"), ok)
	assert.Equal(t, 500, status)
	assert.Equal(t, "Internal Server Error", body)
	status, _, body = do(t, "POST", api(s, "sendMessage"), ok)
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `{"code":401,"description":"Unauthorized"}`, body)
	status, _, _ = do(t, "POST", api(s, "sendMessage"), ok)
	assert.Equal(t, 200, status)
	assert.Len(t, s.SentMessages(), 1)
}

func TestQueue(t *testing.T) {
	s := newServer(t, greenapitest.WithMaxReceiveWait(30*time.Millisecond))
	recv := func() (int, string) {
		status, _, body := do(t, "GET", api(s, "receiveNotification")+"?receiveTimeout=5", "")
		return status, body
	}
	status, body := recv()
	assert.Equal(t, 200, status)
	assert.Equal(t, "null", body)

	n1 := s.Enqueue([]byte(`{"typeWebhook":"stateInstanceChanged","stateInstance":"authorized"}`))
	n2 := s.Enqueue([]byte(`{"typeWebhook":"statusInstanceChanged","statusInstance":"online"}`))
	assert.Equal(t, int64(1), n1)
	assert.Equal(t, int64(2), n2)
	assert.Equal(t, 2, s.Pending())

	// The head comes until it is deleted.
	for range 2 {
		_, body = recv()
		assert.JSONEq(t, `{"receiptId":1,"body":{"typeWebhook":"stateInstanceChanged","stateInstance":"authorized"}}`, body)
	}
	status, _, body = do(t, "DELETE", api(s, "deleteNotification")+"/1", "")
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `{"result":true}`, body)
	_, _, body = do(t, "DELETE", api(s, "deleteNotification")+"/1", "")
	assert.JSONEq(t, `{"result":false}`, body)
	status, _, body = do(t, "DELETE", api(s, "deleteNotification")+"/one", "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "Parameter receiptId must be a Number", body)
	_, body = recv()
	assert.Contains(t, body, `"receiptId":2`)

	status, _, _ = do(t, "GET", api(s, "receiveNotification")+"?receiveTimeout=61", "")
	assert.Equal(t, 400, status)
	status, _, _ = do(t, "GET", api(s, "receiveNotification")+"?receiveTimeout=4", "")
	assert.Equal(t, 400, status)
}

func TestQueueLongPoll(t *testing.T) {
	s := newServer(t)
	time.AfterFunc(50*time.Millisecond, func() { s.Enqueue([]byte(`{"typeWebhook":"x"}`)) })
	start := time.Now()
	status, _, body := do(t, "GET", api(s, "receiveNotification")+"?receiveTimeout=5", "")
	assert.Equal(t, 200, status)
	assert.Contains(t, body, `"receiptId":1`)
	assert.Less(t, time.Since(start), 3*time.Second, "answered when the notification came")
}

func TestFiles(t *testing.T) {
	s := newServer(t)
	u := s.AddFile("card.vcf", "text/vcard", []byte("BEGIN:VCARD"))
	status, ct, body := do(t, "GET", u, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, "text/vcard", ct)
	assert.Equal(t, "BEGIN:VCARD", body)
	status, _, _ = do(t, "GET", s.URL+"/files/none/card.vcf", "")
	assert.Equal(t, 404, status)

	u2 := s.AddMessageFile("79001234567@c.us", "M1", "a b.vcf", "text/x-vcard", []byte("x"))
	_, _, body = do(t, "POST", api(s, "downloadFile"), `{"chatId":"79001234567@c.us","idMessage":"M1"}`)
	assert.JSONEq(t, `{"downloadUrl":"`+u2+`"}`, body)
	status, _, _ = do(t, "POST", api(s, "downloadFile"), `{"chatId":"79001234567@c.us","idMessage":"M2"}`)
	assert.Equal(t, 400, status)

	// A file without a name or a type is served as "file", as bytes.
	u3 := s.AddMessageFile("79001234567@c.us", "M3", "", "", []byte{0, 1})
	assert.True(t, strings.HasSuffix(u3, "/file"), u3)
	_, _, body = do(t, "POST", api(s, "downloadFile"), `{"chatId":"79001234567@c.us","idMessage":"M3"}`)
	assert.JSONEq(t, `{"downloadUrl":"`+u3+`"}`, body)
	status, ct, body = do(t, "GET", u3, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, "application/octet-stream", ct)
	assert.Equal(t, "\x00\x01", body)
	// A file is only read.
	status, _, _ = do(t, "DELETE", u3, "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	status, _, _ = do(t, "GET", u3, "")
	assert.Equal(t, 200, status, "still there")
}

// TestRefusesBodies: a body over the cap, or cut short, is refused
// before any method sees it.
func TestRefusesBodies(t *testing.T) {
	t.Run("over the cap", func(t *testing.T) {
		s := newServer(t)
		status, _, body := do(t, http.MethodPost, api(s, "sendMessage"),
			`{"chatId":"79001234567@c.us","message":"`+strings.Repeat("a", fakeapi.MaxBody)+`"}`)
		assert.Equal(t, http.StatusRequestEntityTooLarge, status)
		assert.Equal(t, "request entity too large", body)
		assert.Empty(t, s.SentMessages())
	})
	t.Run("cut short", func(t *testing.T) {
		s := newServer(t)
		a := fakeapitest.CutShort(t, api(s, "sendMessage"), http.Header{"Content-Type": {"application/json"}}, `{"chatId":`)
		assert.Equal(t, http.StatusBadRequest, a.Status)
		assert.Equal(t, "cannot read the body", a.Body)
		assert.Empty(t, s.SentMessages())
	})
}

func TestClientReachesTheServer(t *testing.T) {
	s := newServer(t)
	req := fakeapitest.NewRequest(t, http.MethodGet, api(s, "getStateInstance"), "", "")
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestPush(t *testing.T) {
	var hits atomic.Int32
	var auth atomic.Value
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		if hits.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer bot.Close()

	s := newServer(t, greenapitest.WithWebhookToken("hook-secret"), greenapitest.WithPushRetry(5, time.Millisecond))
	statuses, err := s.Push(t.Context(), bot.URL, []byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, []int{503, 503, 200}, statuses)
	assert.Equal(t, "Bearer hook-secret", auth.Load())

	hits.Store(-100)
	s2 := newServer(t, greenapitest.WithPushRetry(2, time.Millisecond))
	statuses, err = s2.Push(t.Context(), bot.URL, []byte(`{}`))
	require.Error(t, err)
	assert.Equal(t, []int{503, 503}, statuses)
	assert.Equal(t, "", auth.Load(), "no Authorization without a webhook token")

	bot.Close()
	statuses, err = s2.Push(t.Context(), bot.URL, []byte(`{}`))
	require.Error(t, err)
	assert.Equal(t, []int{0, 0}, statuses)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = s2.Push(ctx, bot.URL, []byte(`{}`))
	require.ErrorIs(t, err, context.Canceled)
}

func TestSentHookAndReset(t *testing.T) {
	var mu sync.Mutex
	var got []greenapitest.SentMessage
	s := newServer(t, greenapitest.WithSentHook(func(m greenapitest.SentMessage) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, m)
	}))
	do(t, "POST", api(s, "sendMessage"), `{"chatId":"79001234567@c.us","message":"hi","quotedMessageId":"Q"}`)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1)
	assert.Equal(t, greenapitest.SentMessage{Method: "sendMessage", ID: got[0].ID, ChatID: "79001234567@c.us", Text: "hi", QuotedMessageID: "Q"}, got[0])
	s.Reset()
	assert.Empty(t, s.Calls())
	assert.Empty(t, s.SentMessages())
}

func TestIncomingNotifications(t *testing.T) {
	s := newServer(t)
	c, err := greenapi.New(s.Config())
	require.NoError(t, err)
	in := greenapitest.Incoming{ChatID: "79001234567@c.us", SenderName: "Ivan", IDMessage: "M1"}

	ups, err := c.DecodeWebhook(s.IncomingText(in, "/start"))
	require.NoError(t, err)
	u := ups[0]
	assert.Equal(t, "/start", u.Message.Text)
	assert.Equal(t, cardbot.User{ID: "79001234567@c.us", Name: "Ivan", Phone: "79001234567"}, u.Sender)
	assert.Equal(t, "1101000001|79001234567@c.us|M1|incomingMessageReceived", u.Key)

	ups, err = c.DecodeWebhook(s.IncomingContact(in, "Anna", "BEGIN:VCARD\nFN:Anna\nEND:VCARD"))
	require.NoError(t, err)
	assert.Equal(t, []cardbot.VCardRef{{DisplayName: "Anna", VCard: "BEGIN:VCARD\nFN:Anna\nEND:VCARD"}}, ups[0].Message.Contacts)

	body := s.IncomingDocument(greenapitest.Incoming{ChatID: "79001234567@c.us"}, "anna.vcf", "text/x-vcard", []byte("BEGIN:VCARD"))
	ups, err = c.DecodeWebhook(body)
	require.NoError(t, err)
	doc := ups[0].Message.Document
	require.NotNil(t, doc)
	assert.True(t, doc.IsVCard())
	rc, err := c.Download(t.Context(), *doc)
	require.NoError(t, err)
	data, _ := io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, "BEGIN:VCARD", string(data))

	var raw map[string]any
	require.NoError(t, json.Unmarshal(body, &raw))
	assert.Equal(t, "incomingMessageReceived", raw["typeWebhook"])
}

func TestDelay(t *testing.T) {
	s := newServer(t)
	s.SetDelay(100 * time.Millisecond)
	start := time.Now()
	do(t, "GET", api(s, "getStateInstance"), "")
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
}
