package greenapitest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// The contact base: sendContact takes only its contacts, addContact adds a
// number that is on MAX, getContacts lists it.
func TestMAXContactBase(t *testing.T) {
	s := newServer(t, greenapitest.WithMAX())
	s.AddMAXContact("79001234568", "10000001", "Pyotr")
	s.AddMAXAccount("79001234569", "10000002") // on MAX, not in the base

	status, _, body := do(t, http.MethodGet, maxAPI(s, "getContacts"), "")
	require.Equal(t, 200, status)
	assert.JSONEq(t, `[{"chatId":"10000001","name":"","contactName":"Pyotr","type":"user","phoneNumber":79001234568}]`, body)

	send := `{"chatId":"10000000","contact":{"chatId":"10000002"}}`
	status, _, body = do(t, http.MethodPost, maxAPI(s, "sendContact"), send)
	assert.Equal(t, 400, status)
	assert.Contains(t, body, "not in the instance's contacts")
	assert.Empty(t, s.SentMessages())

	tests := []struct {
		name   string
		body   string
		status int
		msg    string
	}{
		{"no chatId", `{"firstName":"Anna"}`, 400, "'chatId' is required"},
		{"MAX chat id instead of a phone", `{"chatId":"10000002","firstName":"Anna"}`, 400, "79876543210@c.us"},
		{"no firstName", `{"chatId":"79001234569@c.us"}`, 400, "'firstName' is required"},
		{"lastName a number", `{"chatId":"79001234569@c.us","firstName":"Anna","lastName":1}`, 400, "'lastName' must be a string"},
		{"not JSON", `{"chatId":`, 400, "Unexpected token in JSON"},
		{"not on MAX", `{"chatId":"79001234560@c.us","firstName":"Nobody"}`, 404, `"79001234560@c.us is not on MAX"`},
		{"added", `{"chatId":"79001234569@c.us","firstName":"Anna","lastName":"Petrova"}`, 200, `{"addContact":true}`},
	}
	for _, tt := range tests {
		status, _, body := do(t, http.MethodPost, maxAPI(s, "addContact"), tt.body)
		assert.Equal(t, tt.status, status, tt.name)
		assert.Contains(t, body, tt.msg, tt.name)
	}
	assert.Equal(t, len(tests), s.AddContactCalls())

	status, _, _ = do(t, http.MethodPost, maxAPI(s, "sendContact"), send)
	assert.Equal(t, 200, status, "once added, the contact can be shared")
	require.Len(t, s.SentMessages(), 1)

	status, _, body = do(t, http.MethodGet, maxAPI(s, "getContacts")+"?count=1", "")
	require.Equal(t, 200, status)
	assert.JSONEq(t, `[{"chatId":"10000001","name":"","contactName":"Pyotr","type":"user","phoneNumber":79001234568}]`, body)
	status, _, body = do(t, http.MethodGet, maxAPI(s, "getContacts"), "")
	require.Equal(t, 200, status)
	assert.Contains(t, body, `{"chatId":"10000002","name":"","contactName":"Anna Petrova","type":"user","phoneNumber":79001234569}`)
	status, _, _ = do(t, http.MethodGet, maxAPI(s, "getContacts")+"?count=x", "")
	assert.Equal(t, 400, status)
	assert.Len(t, s.MAXContacts(), 2)
	assert.Equal(t, 4, s.GetContactsCalls())

	s.Reset()
	assert.Zero(t, s.GetContactsCalls())
	assert.Zero(t, s.AddContactCalls())
	assert.Len(t, s.MAXContacts(), 2, "Reset keeps the base")

	t.Run("WhatsApp serves neither", func(t *testing.T) {
		wa := newServer(t)
		status, _, _ := do(t, http.MethodGet, api(wa, "getContacts"), "")
		assert.Equal(t, 404, status)
		status, _, _ = do(t, http.MethodPost, api(wa, "addContact"), `{"chatId":"79001234569@c.us","firstName":"A"}`)
		assert.Equal(t, 404, status)
	})
	t.Run("getContacts is a GET", func(t *testing.T) {
		status, _, _ := do(t, http.MethodPost, maxAPI(s, "getContacts"), "{}")
		assert.Equal(t, 404, status)
	})
}
