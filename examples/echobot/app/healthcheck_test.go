package app

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHealthcheck: `echobot healthcheck` succeeds against a running
// echobot, whatever interface ADDR names, and fails, saying why, when
// nothing answers or ADDR is not an address.
func TestHealthcheck(t *testing.T) {
	base, stop := run(t, map[string]string{})
	_, port, err := net.SplitHostPort(base[len("http://"):])
	require.NoError(t, err)
	for _, addr := range []string{":" + port, "0.0.0.0:" + port, "127.0.0.1:" + port, "[::]:" + port, "localhost:" + port} {
		t.Run(addr, func(t *testing.T) {
			assert.NoError(t, Healthcheck(t.Context(), func(k string) string { return map[string]string{"ADDR": addr}[k] }))
		})
	}
	stop()
	err = Healthcheck(t.Context(), func(k string) string { return map[string]string{"ADDR": ":" + port}[k] })
	require.ErrorContains(t, err, "healthcheck:")
	err = Healthcheck(t.Context(), func(k string) string { return map[string]string{"ADDR": "8080"}[k] })
	require.ErrorContains(t, err, `ADDR "8080"`)
}
