package greenapi_test

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// fixtureDecoder decodes the docs' example notifications, whose
// instanceData names instances of every kind and id ("idInstance": 1234,
// "typeInstance": "v3"): each body goes to a client of that messenger and
// instance, named "greenapi", as on a route that serves it. A body
// without a usable instanceData goes to a WhatsApp client of instance
// 1101000001. The refusal of another instance's notification is tested
// with clients of their own (instance_test.go).
type fixtureDecoder struct {
	fallback *greenapi.Client
	mu       sync.Mutex
	clients  map[string]*greenapi.Client
}

func newFixtureDecoder(t testing.TB) *fixtureDecoder {
	c, err := newFixtureClient(greenapi.WhatsApp, "1101000001")
	require.NoError(t, err)
	return &fixtureDecoder{fallback: c, clients: make(map[string]*greenapi.Client)}
}

func newFixtureClient(m greenapi.Messenger, id string) (*greenapi.Client, error) {
	return greenapi.New(greenapi.Config{Messenger: m, IDInstance: id, APITokenInstance: "token", Name: "greenapi",
		Logger: slog.New(slog.DiscardHandler)})
}

// DecodeWebhook decodes body with the client of its instance.
func (d *fixtureDecoder) DecodeWebhook(body []byte) ([]cardbot.Update, error) {
	return d.clientFor(body).DecodeWebhook(body)
}

func (d *fixtureDecoder) clientFor(body []byte) *greenapi.Client {
	id, m := "1101000001", greenapi.WhatsApp
	var probe struct {
		InstanceData struct {
			IDInstance   json.RawMessage `json:"idInstance"`
			TypeInstance string          `json:"typeInstance"`
		} `json:"instanceData"`
	}
	if json.Unmarshal(body, &probe) == nil {
		raw := strings.Trim(string(probe.InstanceData.IDInstance), `"`)
		if n, err := strconv.ParseUint(raw, 10, 64); err == nil && n > 0 {
			id = strconv.FormatUint(n, 10)
		}
		switch probe.InstanceData.TypeInstance {
		case "v3":
			m = greenapi.MAX
		case "telegram":
			m = greenapi.Telegram
		}
	}
	k := m.String() + "/" + id
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[k]; ok {
		return c
	}
	c, err := newFixtureClient(m, id)
	if err != nil {
		c = d.fallback
	}
	d.clients[k] = c
	return c
}

// ownFixture returns the fixture name as srv's instance would deliver it:
// its instanceData.idInstance is srv's (a queue holds only its instance's
// notifications).
func ownFixture(t testing.TB, srv *greenapitest.Server, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(fixture(t, name), &m))
	var inst map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(m["instanceData"], &inst))
	inst["idInstance"] = json.RawMessage(srv.IDInstance)
	var err error
	m["instanceData"], err = json.Marshal(inst)
	require.NoError(t, err)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}
