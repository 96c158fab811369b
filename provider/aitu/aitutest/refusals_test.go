package aitutest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/fakeapi"
	"github.com/cardbot/cardbot/internal/fakeapi/fakeapitest"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/aitu/aitutest"
)

// TestServerRefusesCommands: POST updates/ refuses what Aitu's bean
// validation refuses, with its message, and records no message.
func TestServerRefusesCommands(t *testing.T) {
	recipient := func(typ string) string { return `"recipient":{"type":"` + typ + `","id":"` + userID + `"}` }
	contact := func(typ, media string) string {
		return `{"type":"SendContactMessage",` + recipient(typ) + media + `}`
	}
	tests := []struct {
		name string
		body string
		msg  string
	}{
		{"no commands", `{"commands":[]}`, "commands must not be empty"},
		{"a command that is no object", `{"commands":[1]}`, "Failed to read HTTP message"},
		{"no content", `{"commands":[{"type":"SendMessage",` + recipient(aitu.PeerUser) + `}]}`, "commands[0].content must not be null"},
		{"a reply to no UUID", `{"commands":[` + command(`,"replyToMessageId":"42"`) + `]}`, "commands[0].replyToMessageId is not a valid Time UUID"},
		{"a contact without inputMedia", `{"commands":[` + contact(aitu.PeerUser, "") + `]}`, "commands[0].inputMedia must not be null"},
		{"a contact of an unknown type", `{"commands":[` + contact(aitu.PeerUser, `,"inputMedia":{"contactType":"InputFriend"}`) + `]}`,
			`commands[0].inputMedia.contactType "InputFriend" is not valid`},
		{"a contact to a bot", `{"commands":[` + contact(aitu.PeerBot, `,"inputMedia":{"contactType":"`+aitu.ContactUnregistered+`","phoneNumber":"+77011234567"}`) + `]}`,
			"commands[0].Sending contact messages from service to service is not available"},
		{"an unknown command", `{"commands":[{"type":"SendSticker",` + recipient(aitu.PeerUser) + `}]}`, `commands[0].type "SendSticker" is not a command this server knows`},
		{"the second command refused", `{"commands":[` + command("") + `,{"type":"SendMessage",` + recipient(aitu.PeerUser) + `}]}`, "commands[1].content must not be null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			status, body := do(t, srv, http.MethodPost, "updates/", srv.Token, tt.body)
			assert.Equal(t, http.StatusBadRequest, status, body)
			assert.Equal(t, tt.msg, errorMessage(t, body))
			assert.Empty(t, srv.SentMessages(), "no command of a refused batch is sent")
			assert.Zero(t, srv.Pending())
		})
	}
}

// TestServerWebhookCalls: POST webhook/ refuses a URL as Aitu does and
// keeps the webhook unset; other methods than POST, GET and DELETE are not
// allowed.
func TestServerWebhookCalls(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		status int
		msg    string
	}{
		{"not JSON", http.MethodPost, `url`, 400, "Failed to read HTTP message"},
		{"over 200 characters", http.MethodPost, `{"url":"https://bot.example.com/` + strings.Repeat("a", 180) + `"}`, 400, "Size of url should be <= 200"},
		{"no URL", http.MethodPost, `{"url":""}`, 400, "UNSPECIFIED"},
		{"a URL that does not parse", http.MethodPost, `{"url":"https://bot example.com/"}`, 400, "ILLEGAL_CHARACTER"},
		{"not http", http.MethodPost, `{"url":"ftp://bot.example.com/"}`, 400, "INVALID_PROTOCOL"},
		{"no host", http.MethodPost, `{"url":"https:///webhook"}`, 400, "INVALID_HOST"},
		{"PUT", http.MethodPut, `{"url":"https://bot.example.com/"}`, 405, "Method Not Allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			status, body := do(t, srv, tt.method, "webhook/", srv.Token, tt.body)
			assert.Equal(t, tt.status, status, body)
			assert.Equal(t, tt.msg, errorMessage(t, body))
			assert.Empty(t, srv.Webhook())
		})
	}
}

// TestServerRefusesRequests: a path outside the API, a body over the cap
// or cut short, and a form that does not parse get Aitu's errors; each is
// recorded as a call with its status.
func TestServerRefusesRequests(t *testing.T) {
	t.Run("outside the API", func(t *testing.T) {
		srv := newServer(t)
		root := strings.TrimSuffix(srv.URL, aitutest.BasePath)
		a := fakeapitest.Do(t, fakeapitest.NewRequest(t, http.MethodGet, root+"/health", "", ""))
		assert.Equal(t, http.StatusNotFound, a.Status)
		assert.Equal(t, "Not Found", errorMessage(t, a.Body))
		calls := srv.Calls()
		require.Len(t, calls, 1)
		assert.Equal(t, http.StatusNotFound, calls[0].Status)
	})
	t.Run("a body over the cap", func(t *testing.T) {
		srv := newServer(t)
		status, body := do(t, srv, http.MethodPost, "updates/", srv.Token, `{"commands":[`+strings.Repeat(" ", fakeapi.MaxBody)+`]}`)
		assert.Equal(t, http.StatusRequestEntityTooLarge, status)
		assert.Equal(t, "request entity too large", errorMessage(t, body))
		assert.Empty(t, srv.SentMessages())
	})
	t.Run("a body cut short", func(t *testing.T) {
		srv := newServer(t)
		a := fakeapitest.CutShort(t, srv.URL+"updates/",
			http.Header{"X-Bot-Token": {srv.Token}, "Content-Type": {"application/json"}}, `{"commands":`)
		assert.Equal(t, http.StatusBadRequest, a.Status)
		assert.Equal(t, "Failed to read HTTP message", errorMessage(t, a.Body))
		assert.Empty(t, srv.SentMessages())
	})
	t.Run("a form that does not parse", func(t *testing.T) {
		srv := newServer(t)
		status, body := request(t, srv, http.MethodPost, "upload/", srv.Token, "multipart/form-data; boundary=x",
			"--x\r\nno colon here\r\n\r\ndata\r\n--x--\r\n")
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "Failed to parse multipart servlet request", errorMessage(t, body))
		assert.Empty(t, srv.Uploads())
	})
}

func TestServerGetMe(t *testing.T) {
	srv := newServer(t)
	status, body := do(t, srv, http.MethodGet, "getMe", srv.Token, "")
	require.Equal(t, http.StatusOK, status)
	var me map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &me))
	assert.Equal(t, "sandbox_bot", me["username"])
	assert.NotEmpty(t, me["botId"])
}

// TestIncomingBuilders: what an Incoming and a registered contact leave
// empty, the builders fill in; what they set, the update carries.
func TestIncomingBuilders(t *testing.T) {
	srv := newServer(t)
	const groupID = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	replyTo := aitutest.NewUUID()
	raw := srv.IncomingRegisteredContact(aitutest.Incoming{ChatID: "group:" + groupID, Title: "Toi", ReplyTo: replyTo},
		aitu.ContactUser{FirstName: "Alex"})
	var d aitu.UpdateData
	require.NoError(t, json.Unmarshal(raw, &d))
	assert.Equal(t, &aitu.Peer{Type: aitu.PeerGroup, ID: groupID, Name: "Toi"}, d.Dialog)
	assert.Equal(t, replyTo, d.ReplyToMessageID)
	require.Len(t, d.Media, 1)
	require.NotNil(t, d.Media[0].User)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, d.Media[0].User.ID, "a new UUID for the contact")
	assert.Equal(t, "Alex", d.Media[0].User.FirstName)
	assert.NotEqual(t, groupID, d.Author.ID, "a new sender in a group")

	status, body := do(t, srv, http.MethodPost, "updates/", srv.Token,
		`{"commands":[{"type":"SendMessage","recipient":{"type":"USER","id":"`+groupID+`"},"content":"x"}]}`)
	assert.Equal(t, http.StatusBadRequest, status, "the builder told the server the dialog is a group")
	assert.Contains(t, body, "Peer type and Peer ID specified in request doesn't match")
}

// errorMessage is the "message" of a Spring Boot error body.
func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var eb struct {
		Message string `json:"message"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &eb), body)
	return eb.Message
}
