package app

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/sandbox"
)

// Run fails at once, naming what is wrong, when the bot cannot start.
func TestRunFails(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	tests := []struct {
		name string
		env  map[string]string
		want string
		not  string // a secret the error must not show
		is   error
	}{
		{name: "a store file in no directory", env: map[string]string{"STORE": "file:" + filepath.Join(t.TempDir(), "no", "bot.db")}, want: "STORE file:"},
		{name: "a Redis URL go-redis cannot read", env: map[string]string{"STORE": "redis://bot:s3cr3t@127.0.0.1:port"}, want: "STORE: not a Redis URL", not: "s3cr3t"},
		{name: "a Redis prefix with braces", env: map[string]string{"STORE": "redis://127.0.0.1:6379", "STORE_PREFIX": "bot{1}"}, want: "STORE redis: redisstore: Config.Prefix"},
		{name: "a MAX instance id that is no number", env: map[string]string{"MAX_ID_INSTANCE": "x", "MAX_API_TOKEN_INSTANCE": "t", "MAX_WEBHOOK_TOKEN": "hook"}, want: "max: GREEN-API settings"},
		{name: "an Aitu API URL that is no URL", env: map[string]string{"AITU_BOT_TOKEN": "t", "AITU_WEBHOOK_SECRET": "s", "AITU_API_URL": "ftp://aitu"}, want: "aitu: settings"},
		{name: "the sandbox with a real secret", env: map[string]string{"AITU_WEBHOOK_SECRET": "s"}, want: "(AITU_WEBHOOK_SECRET)", is: sandbox.ErrRealCredentials},
		{name: "an address in use", env: map[string]string{"ADDR": taken.Addr().String()}, want: "listen on " + taken.Addr().String()},
		{name: "a metrics address in use", env: map[string]string{"METRICS_ADDR": taken.Addr().String()}, want: "METRICS_ADDR: listen on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.env["ADDR"]; !ok {
				tt.env["ADDR"] = "127.0.0.1:0"
			}
			quietEnv(tt.env)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			listening := false
			err := Run(ctx, func(k string) string { return tt.env[k] }, slog.New(slog.DiscardHandler), func(net.Addr) { listening = true })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			if tt.not != "" {
				assert.NotContains(t, err.Error(), tt.not)
			}
			assert.False(t, listening, "nothing was served")
			require.NoError(t, ctx.Err(), "Run returned at once")
		})
	}
}

// The sandbox's log names the port of the listener, of any kind.
func TestPortOf(t *testing.T) {
	assert.Equal(t, ":8080", portOf(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	assert.Equal(t, ":9090", portOf(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9090}))
}
