package app

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/redistest"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// TestRedisStoreTwoInstances: two echobots on one Redis answer an update
// delivered to both once: the second delivery is a duplicate of what the
// first stored.
func TestRedisStoreTwoInstances(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithWebhookToken("hook-secret"))
	t.Cleanup(fake.Close)
	env := func() map[string]string {
		return map[string]string{
			"GREENAPI_API_URL":            fake.URL,
			"GREENAPI_ID_INSTANCE":        fake.IDInstance,
			"GREENAPI_API_TOKEN_INSTANCE": fake.Token,
			"GREENAPI_WEBHOOK_TOKEN":      "hook-secret",
			"DELIVERY":                    "async",
			"STORE":                       redistest.URL(t),
			"STORE_PREFIX":                redistest.Prefix(t),
			"STORE_LEASE":                 "500ms",
		}
	}
	shared := env()
	a, _ := run(t, shared)
	second := env()
	second["STORE_PREFIX"] = shared["STORE_PREFIX"]
	b, _ := run(t, second)

	chat := greenapitest.Incoming{ChatID: "79001234567@c.us"}
	for i, text := range []string{"one", "two", "three"} {
		body := fake.IncomingText(chat, text)
		for _, base := range []string{a, b} { // a load balancer, a rolling deploy
			codes, err := fake.Push(context.Background(), base+"/webhook/greenapi", body)
			require.NoError(t, err)
			assert.Equal(t, 200, codes[len(codes)-1], "message %d", i)
		}
	}
	require.Eventually(t, func() bool { return len(fake.SentMessages()) >= 3 }, 15*time.Second, 5*time.Millisecond)
	time.Sleep(200 * time.Millisecond) // room for a doubled answer to show
	assert.Equal(t, []string{"one", "two", "three"}, textsOf(greenapiReplies(fake)), "each once, in order")
}

// TestRedisPersistenceWarning: on a Redis that saves nothing, the echobot
// in sync mode (whose dedup marks a restart would lose) warns at start.
func TestRedisPersistenceWarning(t *testing.T) {
	srv := redistest.NewServer(t)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	st, err := openStores(storeConfig{Kind: storeRedis, URL: "redis://" + srv.Addr(), Prefix: "p"}, log)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.close() })
	require.NotNil(t, st.checkPersistence)
	st.checkPersistence(t.Context())
	assert.Contains(t, buf.String(), "level=WARN")
	assert.Contains(t, buf.String(), "appendonly is no and RDB snapshots are off: a restart of Redis loses everything")
	assert.Contains(t, buf.String(), "redis="+srv.Addr())
}
