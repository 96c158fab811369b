package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/webhook"
)

// run fails at once, and serves nothing, when the contact book cannot
// start.
func TestRunFails(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	instance := map[string]string{"GREENAPI_ID_INSTANCE": "1101000001", "GREENAPI_API_TOKEN_INSTANCE": "t"}
	tests := []struct {
		name string
		env  map[string]string
		addr string
		want string
		is   error
	}{
		{"an unknown store", map[string]string{"STORE": "postgres://db"}, freeAddr(t), "want memory, file:PATH or a redis:// URL", nil},
		{"an instance id that is no number", map[string]string{"GREENAPI_ID_INSTANCE": "x", "GREENAPI_API_TOKEN_INSTANCE": "t", "GREENAPI_WEBHOOK_TOKEN": "hook"}, freeAddr(t), "IDInstance", nil},
		{"an instance without a webhook token", instance, freeAddr(t), "", webhook.ErrUnauthenticated},
		{"the sandbox with real credentials", map[string]string{"AITU_BOT_TOKEN": "t"}, freeAddr(t), "real credentials are set (AITU_BOT_TOKEN)", nil},
		{"an address in use", nil, taken.Addr().String(), "address already in use", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, func(k string) string { return tt.env[k] }, tt.addr, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Contains(t, err.Error(), tt.want)
			require.NoError(t, ctx.Err(), "run returned at once")
		})
	}
}

// With GREEN-API credentials the contact book takes GREEN-API's webhooks,
// with its token only, and plays no sandbox.
func TestRunOnGreenAPI(t *testing.T) {
	addr := start(t, map[string]string{"GREENAPI_ID_INSTANCE": "1101000001", "GREENAPI_API_TOKEN_INSTANCE": "t", "GREENAPI_WEBHOOK_TOKEN": "hook"})

	// No update is valid without the token: nothing reaches GREEN-API.
	resp, err := http.Post("http://"+addr+"/webhook/greenapi", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	resp, err = http.Get("http://" + addr + "/sandbox/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// start runs the contact book with env (in the sandbox when empty) on a
// free loopback address until the test ends, when run must return nil;
// it returns the address once it accepts connections.
func start(t *testing.T, env map[string]string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, addr, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("run did not return")
		}
	})
	waitAccepting(t, addr)
	return addr
}
