package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func TestLoadStore(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    storeConfig
		wantErr string
	}{
		{env: nil, want: storeConfig{Kind: storeMemory}},
		{env: map[string]string{"STORE": "memory"}, want: storeConfig{Kind: storeMemory}},
		{env: map[string]string{"STORE": "file:/var/lib/bot/q.db"}, want: storeConfig{Kind: storeFile, Path: "/var/lib/bot/q.db"}},
		{env: map[string]string{"STORE": "redis://10.0.0.1:6379/2", "STORE_PREFIX": "bot1", "STORE_LEASE": "3s"},
			want: storeConfig{Kind: storeRedis, URL: "redis://10.0.0.1:6379/2", Prefix: "bot1", LeaseTTL: 3 * time.Second}},
		{env: map[string]string{"STORE": "rediss://:pw@host:6380"}, want: storeConfig{Kind: storeRedis, URL: "rediss://:pw@host:6380"}},
		{env: map[string]string{"STORE": "file:"}, wantErr: "want file:PATH"},
		{env: map[string]string{"STORE": "postgres://user:secret@db/x"}, wantErr: "STORE: want memory"},
		{env: map[string]string{"STORE": "redis://h", "STORE_LEASE": "soon"}, wantErr: `STORE_LEASE "soon"`},
		{env: map[string]string{"MAX_ATTEMPTS": "0"}, wantErr: `MAX_ATTEMPTS "0"`},
		{env: map[string]string{"RETRY_WAIT": "-1s"}, wantErr: `RETRY_WAIT "-1s"`},
	}
	for _, tt := range tests {
		t.Run(tt.env["STORE"]+tt.wantErr, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "secret", "a STORE value is never repeated")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Store)
		})
	}
}

// run starts the echobot with env and returns its base URL and a stop
// that shuts it down and waits.
func run(t *testing.T, env map[string]string) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	env["ADDR"] = "127.0.0.1:0"
	quietEnv(env)
	go func() {
		done <- Run(ctx, func(k string) string { return env[k] }, slog.New(slog.DiscardHandler), func(a net.Addr) { addr <- a })
	}()
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not start")
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("the bot did not stop")
		}
	}
	t.Cleanup(stop)
	return base, stop
}

// admin calls a dead-letter route with token.
func admin(t *testing.T, method, url, token string) (int, []deadLetterView) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out []deadLetterView
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	}
	return resp.StatusCode, out
}

// TestFileStore: with STORE=file: the dedup keys and the dead letters
// outlive the process, and a dead letter is replayed through the admin
// routes.
func TestFileStore(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
	t.Cleanup(fake.Close)
	env := map[string]string{
		"GREENAPI_API_URL":            fake.URL,
		"GREENAPI_ID_INSTANCE":        fake.IDInstance,
		"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
		"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
		"DELIVERY":                    "async",
		"STORE":                       "file:" + filepath.Join(t.TempDir(), "bot.db"),
		"MAX_ATTEMPTS":                "2",
		"RETRY_WAIT":                  "10ms",
		"ADMIN_TOKEN":                 "admin-secret",
	}
	chat := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	one := fake.IncomingText(chat, "one")
	ctx := context.Background()

	base, stop := run(t, env)
	code, _ := admin(t, http.MethodGet, base+"/admin/deadletters", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = admin(t, http.MethodGet, base+"/admin/deadletters", "wrong")
	assert.Equal(t, http.StatusUnauthorized, code)

	fake.FailNext(1000, http.StatusInternalServerError, 0) // the API is down
	_, err := fake.Push(ctx, base+"/webhook/greenapi", one)
	require.NoError(t, err)
	var dead []deadLetterView
	require.Eventually(t, func() bool {
		code, dead = admin(t, http.MethodGet, base+"/admin/deadletters", "admin-secret")
		return code == http.StatusOK && len(dead) == 1
	}, 30*time.Second, 10*time.Millisecond)
	assert.Contains(t, dead[0].Reason, "500")
	assert.Equal(t, "79001234567@c.us", dead[0].Chat)
	stop()

	fake.Reset() // the API is back
	base, _ = run(t, env)
	code, again := admin(t, http.MethodGet, base+"/admin/deadletters", "admin-secret")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, again, 1, "the dead letter outlived the process")
	_, err = fake.Push(ctx, base+"/webhook/greenapi", one)
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond)
	assert.Empty(t, fake.SentMessages(), "a redelivery of a stored update is a duplicate, also after a restart")

	code, _ = admin(t, http.MethodPost, base+"/admin/deadletters/"+again[0].ID+"/replay", "admin-secret")
	require.Equal(t, http.StatusNoContent, code)
	require.Eventually(t, func() bool { return len(fake.SentMessages()) == 1 }, 10*time.Second, 5*time.Millisecond)
	code, again = admin(t, http.MethodGet, base+"/admin/deadletters", "admin-secret")
	assert.Equal(t, http.StatusOK, code)
	assert.Empty(t, again)
	code, _ = admin(t, http.MethodPost, base+"/admin/deadletters/"+dead[0].ID+"/replay", "admin-secret")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = admin(t, http.MethodDelete, base+"/admin/deadletters/nope", "admin-secret")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestAdminOnSyncBot(t *testing.T) {
	base, _ := run(t, map[string]string{"ADMIN_TOKEN": "admin-secret"})
	code, _ := admin(t, http.MethodGet, base+"/admin/deadletters", "admin-secret")
	assert.Equal(t, http.StatusConflict, code)
	base2, _ := run(t, map[string]string{})
	code, _ = admin(t, http.MethodGet, base2+"/admin/deadletters", "admin-secret")
	assert.Equal(t, http.StatusNotFound, code, "no routes without ADMIN_TOKEN")
}
