package app

import (
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/apitest"
)

// quietEnv turns off in env what a test does not set: the metrics
// listener, whose default address, one for the whole machine, would make
// the tests' bots collide, and the reads of the instances' states, which
// would take the failures a test sets up for its own calls.
func quietEnv(env map[string]string) {
	for _, k := range []string{"METRICS_ADDR", "INSTANCE_STATE_INTERVAL"} {
		if _, ok := env[k]; !ok {
			env[k] = "off"
		}
	}
}

// get returns the status and body of a GET.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// The echobot serves /metrics on METRICS_ADDR alone, never beside the
// webhooks; /healthz and /readyz are on both.
func TestMetricsAndProbes(t *testing.T) {
	var log apitest.SyncBuffer
	base := runLogged(t, map[string]string{"ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0"}, slog.New(slog.NewTextHandler(&log, nil)))
	addr := metricsAddr(t, &log)
	sandboxSay(t, base, "max/text", "hello")
	code, _ := get(t, base+"/metrics")
	assert.Equal(t, http.StatusNotFound, code, "not beside the webhooks")
	code, body := get(t, "http://"+addr+"/metrics")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `cardbot_updates_received_total{kind="message",provider="max"} 1`)
	assert.Contains(t, body, `cardbot_sends_total{method="text",provider="max",status="ok"} 1`)
	for _, url := range []string{base, "http://" + addr} {
		code, body = get(t, url+"/healthz")
		assert.Equal(t, http.StatusOK, code, url)
		assert.JSONEq(t, `{"status":"ok"}`, body)
		code, body = get(t, url+"/readyz")
		assert.Equal(t, http.StatusOK, code, url)
		assert.Contains(t, body, `"status":"ready"`)
	}
}

// METRICS_ADDR is loopback's port 9090 unless set; "off" serves no
// metrics at all.
func TestMetricsAddr(t *testing.T) {
	tests := []struct{ env, want string }{
		{"", "127.0.0.1:9090"},
		{"off", ""},
		{"0.0.0.0:9100", "0.0.0.0:9100"},
	}
	for _, tt := range tests {
		t.Run("METRICS_ADDR="+tt.env, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return map[string]string{"METRICS_ADDR": tt.env}[k] })
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.MetricsAddr)
		})
	}
	t.Run("off serves no metrics", func(t *testing.T) {
		base := start(t, map[string]string{"METRICS_ADDR": "off"})
		code, _ := get(t, base+"/metrics")
		assert.Equal(t, http.StatusNotFound, code)
	})
}

func TestInstanceStateInterval(t *testing.T) {
	tests := []struct {
		env     string
		want    time.Duration
		wantErr bool
	}{
		{"", 0, false}, // greenapi.DefaultStateInterval
		{"30s", 30 * time.Second, false},
		{"off", -1, false},
		{"10ms", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		t.Run("INSTANCE_STATE_INTERVAL="+tt.env, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return map[string]string{"INSTANCE_STATE_INTERVAL": tt.env}[k] })
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "INSTANCE_STATE_INTERVAL")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.StateInterval)
		})
	}
}

// metricsAddr returns the address the bot's metrics listener took, from
// the bot's log. A test gives METRICS_ADDR port 0 and reads it here: a
// port picked free beforehand may be taken by the bot's own listeners (or
// another test's) before the bot listens on it.
func metricsAddr(t *testing.T, log *apitest.SyncBuffer) string {
	t.Helper()
	m := regexp.MustCompile(`msg=metrics addr=(\S+)`).FindStringSubmatch(log.String())
	require.Len(t, m, 2, "the bot logs its metrics address: %s", log.String())
	return m[1]
}
