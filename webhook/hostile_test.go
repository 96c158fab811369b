package webhook_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// countingServer serves an echo app with a route for src, and counts the
// body bytes the route read.
type countingServer struct {
	*httptest.Server
	read atomic.Int64
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func newCountingServer(t *testing.T, bot *cardbot.Bot, src webhook.Source, cfg webhook.Config) *countingServer {
	t.Helper()
	e := echo.New()
	_, err := webhook.Mount(e, "/hook", bot, src, cfg)
	require.NoError(t, err)
	s := &countingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &s.read}
		e.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// rawRequest writes head on a new connection to addr, then body from
// bodyFn in the background, and returns the response read meanwhile.
func rawRequest(t *testing.T, addr, head string, bodyFn func(io.Writer) error) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(conn, head)
	require.NoError(t, err)
	go func() { _ = bodyFn(conn) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestHostileBodies(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnAny, echoText)
	src := &testSource{}
	srv := newCountingServer(t, bot, src, webhook.Config{BodyLimit: limit, Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true})
	addr := srv.Listener.Addr().String()

	t.Run("endless chunked body", func(t *testing.T) {
		srv.read.Store(0)
		var sent atomic.Int64
		stop := make(chan struct{})
		defer close(stop)
		head := "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		resp := rawRequest(t, addr, head, func(w io.Writer) error {
			chunk := fmt.Sprintf("%x\r\n%s\r\n", 4096, strings.Repeat(" ", 4096))
			if _, err := io.WriteString(w, "1\r\n{\r\n"); err != nil {
				return err
			}
			for {
				select {
				case <-stop:
					return nil
				default:
				}
				n, err := io.WriteString(w, chunk)
				sent.Add(int64(n))
				if err != nil {
					return err
				}
			}
		})
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		// It drained MaxBodyDrain more for the 413's sake, and no more.
		assert.LessOrEqual(t, srv.read.Load(), int64(2*limit+webhook.MaxBodyDrain), "the route stopped reading near the limit")
		assert.Empty(t, src.Sent())
	})

	t.Run("body over the limit that stalls", func(t *testing.T) {
		head := fmt.Sprintf("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 2*limit)
		stop := make(chan struct{})
		defer close(stop)
		begin := time.Now()
		resp := rawRequest(t, addr, head, func(w io.Writer) error {
			if _, err := io.WriteString(w, strings.Repeat(" ", limit+100)); err != nil {
				return err
			}
			<-stop // and the rest never comes
			return nil
		})
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		assert.Less(t, time.Since(begin), webhook.BodyDrainTimeout+time.Second, "the drain gave up in time")
	})

	t.Run("declared length beyond what is drained", func(t *testing.T) {
		srv.read.Store(0)
		head := fmt.Sprintf("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 1<<30)
		resp := rawRequest(t, addr, head, func(w io.Writer) error {
			_, err := io.WriteString(w, strings.Repeat(" ", 1<<20))
			return err
		})
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		assert.Zero(t, srv.read.Load(), "a gigabyte is not drained: not a byte of it was read")
	})

	t.Run("body over the limit with a lying small Content-Length", func(t *testing.T) {
		srv.read.Store(0)
		const claimed = 40
		head := fmt.Sprintf("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", claimed)
		real := body(upd("1", "c1", strings.Repeat("x", 2*limit)))
		resp := rawRequest(t, addr, head, func(w io.Writer) error {
			_, err := io.WriteString(w, real)
			return err
		})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the first 40 bytes are not JSON")
		assert.EqualValues(t, claimed, srv.read.Load(), "the route read what was claimed, no more")
		assert.Empty(t, src.Sent())
	})
}

func TestHostileJSON(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.DiscardHandler)
	gc, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "tok-0123456789", Logger: quiet})
	require.NoError(t, err)
	ac, err := aitu.New(aitu.Config{Token: "tok-0123456789", Logger: quiet})
	require.NoError(t, err)
	bot := cardbot.New(cardbot.WithLogger(quiet))
	var handled atomic.Int64
	bot.Handle(cardbot.OnAny, func(*cardbot.Context) error { handled.Add(1); return nil })

	nested := strings.Repeat("[", 100_000)
	hugeArray := "[" + strings.Repeat("1,", 400_000) + "1]"
	manyObjects := strings.Repeat("{},", 250_000) + "{}"
	tests := []struct {
		name   string
		src    webhook.Source
		body   string
		status int
	}{
		{"greenapi deeply nested", gc, `{"typeWebhook":"incomingMessageReceived","messageData":` + nested, http.StatusBadRequest},
		{"greenapi deeply nested, bare", gc, nested, http.StatusBadRequest},
		{"greenapi huge array in an unknown type", gc, `{"typeWebhook":"somethingNew","x":` + hugeArray + `}`, http.StatusOK},
		{"greenapi huge array in a message", gc, `{"typeWebhook":"incomingMessageReceived","idMessage":"1","senderData":{"chatId":"1@c.us"},"messageData":{"typeMessage":"contactsArrayMessage","contacts":` + hugeArray + `}}`, http.StatusBadRequest},
		{"aitu deeply nested", ac, `{"updates":` + nested, http.StatusBadRequest},
		{"aitu huge array of numbers", ac, `{"updates":` + hugeArray + `}`, http.StatusBadRequest},
		{"aitu huge batch of empty updates", ac, `{"updates":[` + manyObjects + `]}`, http.StatusOK},
	}
	// After the subtests, which run in parallel.
	t.Cleanup(func() {
		assert.EqualValues(t, 1+250_001, handled.Load(), "the unknown type once, and every empty update")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Less(t, len(tt.body), webhook.DefaultBodyLimit)
			e := echo.New()
			_, err := webhook.Mount(e, "/hook", bot, tt.src, webhook.Config{Logger: quiet, AllowUnauthenticated: true})
			require.NoError(t, err)
			srv := httptest.NewServer(e)
			defer srv.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/hook", strings.NewReader(tt.body))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err, "answered in bounded time")
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
		})
	}
}

func TestServerSlowBody(t *testing.T) {
	t.Parallel()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnAny, echoText)
	src := &testSource{}
	s := webhook.NewServer(bot, webhook.ServerConfig{ReadTimeout: 200 * time.Millisecond, Config: webhook.Config{Logger: slog.New(slog.DiscardHandler), AllowUnauthenticated: true}})
	require.NoError(t, s.Handle("/webhook/test", src))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })

	conn, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	payload := body(upd("1", "c1", "hello"))
	// The headers in time, then half of the body, then nothing.
	_, err = fmt.Fprintf(conn, "POST /webhook/test HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(payload), payload[:len(payload)/2])
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	start := time.Now()
	got, err := io.ReadAll(conn) // the server gives up and closes
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 4*time.Second, "closed by the read timeout, not by our deadline")
	assert.NotContains(t, string(got), "200 OK")
	assert.Empty(t, src.Sent(), "half a body is not handled")
}
