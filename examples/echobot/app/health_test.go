package app

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// readyz is what /readyz answered.
type readyz struct {
	code   int
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func getReady(t *testing.T, base string) readyz {
	t.Helper()
	code, body := get(t, base+"/readyz")
	var r readyz
	require.NoError(t, json.Unmarshal([]byte(body), &r), body)
	r.code = code
	return r
}

// waitReady polls /readyz until ok says its answer is the one awaited, for
// up to wait; it fails with the last answer.
func waitReady(t *testing.T, base string, wait time.Duration, ok func(readyz) bool) readyz {
	t.Helper()
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r := getReady(t, base)
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after %s: %d %+v", wait, r.code, r)
		}
		<-tick.C
	}
}

// /readyz turns 503 naming notAuthorized within seconds of the instance
// losing its authorization, and 200 once it is back: told by the
// stateInstanceChanged webhooks alone, or read by getStateInstance alone;
// the gauge follows.
func TestInstanceStateReadiness(t *testing.T) {
	t.Parallel() // each subtest has a bot and fake of its own; waits for state reads
	tests := []struct {
		name     string
		interval string // INSTANCE_STATE_INTERVAL
		push     bool   // deliver the stateInstanceChanged webhooks
	}{
		{"told by the webhooks", "off", true},
		{"read every second", "1s", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
			t.Cleanup(fake.Close)
			metrics := apitest.FreeAddr(t)
			base := start(t, map[string]string{
				"GREENAPI_API_URL":            fake.URL,
				"GREENAPI_ID_INSTANCE":        fake.IDInstance,
				"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
				"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
				"INSTANCE_STATE_INTERVAL":     tt.interval,
				"METRICS_ADDR":                metrics,
			})
			setState := func(state string) {
				t.Helper()
				body := fake.SetState(state)
				if tt.push {
					_, err := fake.Push(context.Background(), base+"/webhook/greenapi", body)
					require.NoError(t, err)
				}
			}
			component := "greenapi " + fake.IDInstance
			r := waitReady(t, base, 5*time.Second, func(r readyz) bool { return r.code == 200 && r.Checks[component] == "ok" })
			assert.Equal(t, "ready", r.Status)

			setState(greenapi.StateNotAuthorized)
			r = waitReady(t, base, 5*time.Second, func(r readyz) bool { return r.code == 503 })
			assert.Equal(t, "not ready", r.Status)
			assert.Equal(t, map[string]string{component: greenapi.StateNotAuthorized}, r.Checks)
			assert.Equal(t, 503, getReady(t, "http://"+metrics).code, "the metrics listener's /readyz says the same")
			_, body := get(t, "http://"+metrics+"/metrics")
			assert.Contains(t, body, `cardbot_instance_state{provider="greenapi",state="notAuthorized"} 1`)
			assert.Contains(t, body, `cardbot_instance_ready{provider="greenapi"} 0`)

			setState(greenapi.StateAuthorized)
			r = waitReady(t, base, 5*time.Second, func(r readyz) bool { return r.code == 200 })
			assert.Equal(t, "ok", r.Checks[component])
			_, body = get(t, "http://"+metrics+"/metrics")
			assert.Contains(t, body, `cardbot_instance_ready{provider="greenapi"} 1`)
		})
	}
}
