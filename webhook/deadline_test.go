package webhook_test

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/benchhook"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// hangingAPI is a provider API that takes requests and never answers; it
// counts the requests it got and those whose client gave up.
type hangingAPI struct {
	*httptest.Server
	got, abandoned atomic.Int64
}

func newHangingAPI(t *testing.T) *hangingAPI {
	t.Helper()
	api := &hangingAPI{}
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.got.Add(1)
		// The body read, the server notices when the client hangs up.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		api.abandoned.Add(1)
	}))
	t.Cleanup(api.Close)
	return api
}

// TestSyncDeadlineWithHangingAPI: a handler whose send hangs on the
// provider's API is cut short by one deadline that ends before the
// server's WriteTimeout, counted from the request's arrival (a slow body
// included), however the route is mounted: the provider reads 503, not a
// closed connection, and the send was stopped.
//
// It is not parallel with the other tests: its subtests (parallel with
// each other, and mostly waiting) must answer within a tenth of the
// WriteTimeout, which the CPU-bound tests of the package (the hostile
// bodies) would take from them.
func TestSyncDeadlineWithHangingAPI(t *testing.T) {
	const writeTimeout = time.Second
	const hookToken = "deadline-hook-token"
	quiet := slog.New(slog.DiscardHandler)

	serveWith := map[string]func(t *testing.T, bot *cardbot.Bot, src webhook.Source) net.Listener{
		"webhook.Server": func(t *testing.T, bot *cardbot.Bot, src webhook.Source) net.Listener {
			s := webhook.NewServer(bot, webhook.ServerConfig{WriteTimeout: writeTimeout, Config: webhook.Config{Logger: quiet}})
			require.NoError(t, s.Handle("/hook", src))
			return serve(t, s.Serve, func() { _ = s.Shutdown(t.Context()) })
		},
		"Mount on your own http.Server": func(t *testing.T, bot *cardbot.Bot, src webhook.Source) net.Listener {
			e := echo.New()
			_, err := webhook.Mount(e, "/hook", bot, src, webhook.Config{Logger: quiet})
			require.NoError(t, err)
			hs := &http.Server{Handler: e, WriteTimeout: writeTimeout, ReadHeaderTimeout: time.Second}
			return serve(t, hs.Serve, func() { _ = hs.Shutdown(t.Context()) })
		},
		"NewHandler on your own http.Server": func(t *testing.T, bot *cardbot.Bot, src webhook.Source) net.Listener {
			h, err := webhook.NewHandler(bot, src, webhook.Config{Logger: quiet})
			require.NoError(t, err)
			hs := &http.Server{Handler: h, WriteTimeout: writeTimeout, ReadHeaderTimeout: time.Second}
			return serve(t, hs.Serve, func() { _ = hs.Shutdown(t.Context()) })
		},
	}
	tests := []struct {
		name      string
		serve     string
		bodyDelay time.Duration // between the headers and the body
	}{
		{"Server", "webhook.Server", 0},
		{"Server, slow body", "webhook.Server", writeTimeout / 2},
		{"own server", "Mount on your own http.Server", 0},
		{"own server, slow body", "Mount on your own http.Server", writeTimeout / 2},
		{"net/http", "NewHandler on your own http.Server", 0},
		{"net/http, slow body", "NewHandler on your own http.Server", writeTimeout / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newHangingAPI(t)
			transport := &http.Transport{}
			t.Cleanup(transport.CloseIdleConnections)
			client, err := greenapi.New(greenapi.Config{
				APIURL: api.URL, IDInstance: "1101000001", APITokenInstance: "api-token-0123456789",
				WebhookToken: hookToken, HTTPClient: &http.Client{Transport: transport, Timeout: time.Hour},
				Logger: quiet,
			})
			require.NoError(t, err)
			bot := cardbot.New(cardbot.WithLogger(quiet))
			var hadDeadline atomic.Bool
			bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
				_, ok := c.Context().Deadline()
				hadDeadline.Store(ok)
				return c.Send(c.Text())
			})
			l := serveWith[tt.serve](t, bot, client)

			payload := benchhook.Text(1)
			conn, err := net.Dial("tcp", l.Addr().String())
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
			begin := time.Now()
			_, err = fmt.Fprintf(conn, "POST /hook HTTP/1.1\r\nHost: bot\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", hookToken, len(payload))
			require.NoError(t, err)
			time.Sleep(tt.bodyDelay)
			_, err = conn.Write([]byte(payload))
			require.NoError(t, err)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err, "an answer, not a closed connection")
			resp.Body.Close()
			elapsed := time.Since(begin)

			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.Less(t, elapsed, writeTimeout, "answered before the WriteTimeout")
			assert.True(t, hadDeadline.Load(), "the handler's context carries the deadline")
			assert.Positive(t, api.got.Load(), "the send reached the API")
			assert.Eventually(t, func() bool { return api.abandoned.Load() == api.got.Load() },
				5*time.Second, 10*time.Millisecond, "every send stopped with the deadline")
		})
	}
}

// serve serves on a new loopback listener until the test ends.
func serve(t *testing.T, run func(net.Listener) error, stop func()) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = run(l)
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})
	return l
}
