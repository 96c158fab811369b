package app

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// The echobot serves /healthz, /readyz and /metrics beside the webhooks,
// or /metrics on METRICS_ADDR alone.
func TestMetricsAndProbes(t *testing.T) {
	t.Run("beside the webhooks", func(t *testing.T) {
		base := start(t, map[string]string{})
		sandboxSay(t, base, "whatsapp/text", "hello")
		code, body := get(t, base+"/metrics")
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, `cardbot_updates_received_total{kind="message",provider="greenapi"} 1`)
		assert.Contains(t, body, `cardbot_sends_total{method="text",provider="greenapi",status="ok"} 1`)
		code, _ = get(t, base+"/readyz")
		assert.Equal(t, http.StatusOK, code)
		code, _ = get(t, base+"/healthz")
		assert.Equal(t, http.StatusOK, code)
	})
	t.Run("on METRICS_ADDR", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		base := start(t, map[string]string{"METRICS_ADDR": addr})
		sandboxSay(t, base, "max/text", "hello")
		code, _ := get(t, base+"/metrics")
		assert.Equal(t, http.StatusNotFound, code, "not beside the webhooks")
		code, body := get(t, "http://"+addr+"/metrics")
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, `cardbot_updates_received_total{kind="message",provider="max"} 1`)
	})
}
