package sandbox

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/webhook"
)

// Mounted on a webhook.Server, the page's event stream outlives the
// server's WriteTimeout, and Close before Shutdown lets the server stop at
// once although a page is open.
func TestOnWebhookServer(t *testing.T) {
	t.Parallel() // a bot, sandbox and server of its own; waits out a write timeout
	bot := newEchoBot()
	sb, err := New(bot, Config{Getenv: noEnv, Logger: quiet, Messengers: []Messenger{WhatsApp}})
	require.NoError(t, err)
	const writeTimeout = 500 * time.Millisecond
	srv := webhook.NewServer(bot, webhook.ServerConfig{WriteTimeout: writeTimeout, Config: webhook.Config{Logger: quiet}})
	sb.Mount(srv.Echo)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	base := "http://" + l.Addr().String()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := openStream(t, ctx, base, 0)
	time.Sleep(2 * writeTimeout)
	resp, err := http.Post(base+"/sandbox/whatsapp/text", "text/plain", strings.NewReader("still there?"))
	require.NoError(t, err)
	resp.Body.Close()
	_, data := st.until(t, KindReply)
	assert.Contains(t, string(data), "still there?")

	start := time.Now()
	require.NoError(t, sb.Close())
	shut, cancelShut := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelShut()
	require.NoError(t, srv.Shutdown(shut))
	require.NoError(t, <-served)
	assert.Less(t, time.Since(start), 2*time.Second, "the open stream did not hold the shutdown")
	http.DefaultClient.CloseIdleConnections()
}
