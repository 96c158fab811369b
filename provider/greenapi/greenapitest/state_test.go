package greenapitest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// getStateInstance answers the state SetState set, and SetState returns
// the notification of the change.
func TestSetState(t *testing.T) {
	tests := []struct {
		name         string
		opts         []greenapitest.Option
		prefix       string
		typeInstance string
	}{
		{"whatsapp", nil, "", "whatsapp"},
		{"max", []greenapitest.Option{greenapitest.WithMAX()}, greenapi.MAXPathPrefix, "v3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.opts...)
			state := func() string {
				t.Helper()
				status, _, body := do(t, http.MethodGet, s.URL+tt.prefix+"/waInstance"+s.IDInstance+"/getStateInstance/"+s.Token, "")
				require.Equal(t, http.StatusOK, status)
				var out map[string]string
				require.NoError(t, json.Unmarshal([]byte(body), &out))
				return out["stateInstance"]
			}
			assert.Equal(t, greenapi.StateAuthorized, state())
			body := s.SetState(greenapi.StateNotAuthorized)
			assert.Equal(t, greenapi.StateNotAuthorized, state())
			var n struct {
				TypeWebhook   string `json:"typeWebhook"`
				StateInstance string `json:"stateInstance"`
				Timestamp     int64  `json:"timestamp"`
				InstanceData  struct {
					IDInstance   json.Number `json:"idInstance"`
					TypeInstance string      `json:"typeInstance"`
				} `json:"instanceData"`
			}
			require.NoError(t, json.Unmarshal(body, &n))
			assert.Equal(t, "stateInstanceChanged", n.TypeWebhook)
			assert.Equal(t, greenapi.StateNotAuthorized, n.StateInstance)
			assert.Equal(t, s.IDInstance, n.InstanceData.IDInstance.String())
			assert.Equal(t, tt.typeInstance, n.InstanceData.TypeInstance)
			assert.Positive(t, n.Timestamp)
			s.SetState("")
			assert.Equal(t, greenapi.StateAuthorized, state())
		})
	}
}
