package webhook_test

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/delivery"
	"github.com/cardbot/cardbot/webhook"
)

// testSource is a provider of the simplest kind: a Bearer token, and bodies
// {"updates":[{"key":…,"chat":…,"text":…}]}. It records what it sends.
type testSource struct {
	cardbottest.Provider
	token string
}

// Sent returns the texts sent, as "chat: text".
func (s *testSource) Sent() []string {
	var out []string
	for _, m := range s.Provider.Sent() {
		out = append(out, m.Chat+": "+m.Text())
	}
	return out
}

func (s *testSource) VerifyWebhook(r *http.Request) error {
	if s.token == "" {
		return nil
	}
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
		return errors.New("bad token")
	}
	return nil
}

func (s *testSource) DecodeWebhook(body []byte) ([]cardbot.Update, error) {
	var in struct {
		Updates []struct{ Key, Chat, Text string }
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("%w: %w", cardbot.ErrMalformedUpdate, err)
	}
	var out []cardbot.Update
	for _, u := range in.Updates {
		out = append(out, cardbot.Update{
			Kind: cardbot.KindMessage, Key: u.Key, Chat: cardbot.Chat{ID: u.Chat},
			Message: &cardbot.Message{ID: u.Key, Text: u.Text}, Raw: body,
		})
	}
	return out, nil
}

const token = "s3cret-webhook-token"

func body(updates ...string) string {
	return `{"updates":[` + strings.Join(updates, ",") + `]}`
}

func upd(key, chat, text string) string {
	return fmt.Sprintf(`{"key":%q,"chat":%q,"text":%q}`, key, chat, text)
}

// newEcho mounts a route for src on a new echo app and a bot with the
// handler; it returns the app's test server.
func newEcho(t *testing.T, bot *cardbot.Bot, src webhook.Source, cfg webhook.Config) *httptest.Server {
	t.Helper()
	e := echo.New()
	_, err := webhook.Mount(e, "/webhook/test", bot, src, cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// newMux mounts a route for src, as an http.Handler, on a ServeMux of
// net/http; it returns the mux's test server.
func newMux(t *testing.T, bot *cardbot.Bot, src webhook.Source, cfg webhook.Config) *httptest.Server {
	t.Helper()
	h, err := webhook.NewHandler(bot, src, cfg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/webhook/test", h)
	mux.HandleFunc("GET /app", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "the app's own") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// mounts are the ways to serve a route: echo (Mount) and net/http
// (NewHandler). Each serves it at /webhook/test.
var mounts = []struct {
	name  string
	serve func(t *testing.T, bot *cardbot.Bot, src webhook.Source, cfg webhook.Config) *httptest.Server
}{{"echo", newEcho}, {"net/http", newMux}}

func post(t *testing.T, url, auth, payload string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(payload))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestStatusCodes(t *testing.T) {
	t.Parallel()
	errPermanent := errors.New("bad input from the user")
	tests := []struct {
		name    string
		auth    string
		body    string
		handler cardbot.HandlerFunc
		want    int
		sent    []string
	}{
		{"handled", "Bearer " + token, body(upd("1", "c1", "hi")), echoText, http.StatusOK, []string{"c1: hi"}},
		{"two updates in one body", "Bearer " + token, body(upd("1", "c1", "a"), upd("2", "c2", "b")), echoText, http.StatusOK, []string{"c1: a", "c2: b"}},
		{"no updates", "Bearer " + token, body(), echoText, http.StatusOK, nil},
		{"missing token", "", body(upd("1", "c1", "hi")), echoText, http.StatusUnauthorized, nil},
		{"wrong token", "Bearer nope", body(upd("1", "c1", "hi")), echoText, http.StatusUnauthorized, nil},
		{"token of another scheme", "Basic " + token, body(upd("1", "c1", "hi")), echoText, http.StatusUnauthorized, nil},
		{"not JSON", "Bearer " + token, "{not json", echoText, http.StatusBadRequest, nil},
		{"retryable handler error", "Bearer " + token, body(upd("1", "c1", "hi")), func(c *cardbot.Context) error {
			return cardbot.Retryable(errors.New("database down"))
		}, http.StatusServiceUnavailable, nil},
		{"permanent handler error", "Bearer " + token, body(upd("1", "c1", "hi")), func(c *cardbot.Context) error {
			return errPermanent
		}, http.StatusOK, nil},
		{"panic", "Bearer " + token, body(upd("1", "c1", "hi")), func(c *cardbot.Context) error {
			panic("boom")
		}, http.StatusOK, nil},
		{"one of two retryable", "Bearer " + token, body(upd("1", "c1", "ok"), upd("2", "c2", "fail")), func(c *cardbot.Context) error {
			if c.Text() == "fail" {
				return cardbot.Retryable(errors.New("later"))
			}
			return c.Send(c.Text())
		}, http.StatusServiceUnavailable, []string{"c1: ok"}},
	}
	for _, m := range mounts {
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				var handled []error
				bot := cardbot.New(
					cardbot.WithLogger(slog.New(slog.DiscardHandler)),
					cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { handled = append(handled, err) }),
				)
				bot.Handle(cardbot.OnAny, tt.handler)
				src := &testSource{token: token}
				srv := m.serve(t, bot, src, webhook.Config{Logger: slog.New(slog.DiscardHandler)})
				resp := post(t, srv.URL+"/webhook/test", tt.auth, tt.body)
				assert.Equal(t, tt.want, resp.StatusCode)
				assert.Equal(t, tt.sent, src.Sent())
				if tt.want != http.StatusOK {
					answer, err := io.ReadAll(resp.Body)
					require.NoError(t, err)
					assert.Contains(t, string(answer), `"message":`, "an error answer says what went wrong")
				}
				if tt.name == "permanent handler error" {
					require.Len(t, handled, 1)
					assert.ErrorIs(t, handled[0], errPermanent)
				}
			})
		}
	}
}

func echoText(c *cardbot.Context) error { return c.Send(c.Text()) }

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	for _, m := range mounts {
		t.Run(m.name, func(t *testing.T) { testBodyLimit(t, m.serve) })
	}
}

func testBodyLimit(t *testing.T, serve func(*testing.T, *cardbot.Bot, webhook.Source, webhook.Config) *httptest.Server) {
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnAny, echoText)
	src := &testSource{}
	srv := serve(t, bot, src, webhook.Config{BodyLimit: 64, AllowUnauthenticated: true})
	big := body(upd("1", "c1", strings.Repeat("x", 100)))

	t.Run("with Content-Length", func(t *testing.T) {
		resp := post(t, srv.URL+"/webhook/test", "", big)
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	t.Run("chunked, no Content-Length", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/webhook/test", io.MultiReader(strings.NewReader(big)))
		require.NoError(t, err)
		req.ContentLength = -1
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	t.Run("at the limit", func(t *testing.T) {
		small := body(upd("1", "c1", "x"))
		require.LessOrEqual(t, len(small), 64)
		resp := post(t, srv.URL+"/webhook/test", "", small)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	assert.Equal(t, []string{"c1: x"}, src.Sent(), "nothing of the large bodies was handled")
}

func TestDuplicateDelivery(t *testing.T) {
	t.Parallel()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	fail := true
	bot.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
		if fail {
			fail = false
			return cardbot.Retryable(errors.New("first try fails"))
		}
		return c.Send(c.Text())
	})
	src := &testSource{}
	srv := newEcho(t, bot, src, webhook.Config{AllowUnauthenticated: true})
	b := body(upd("m1", "c1", "hello"))
	assert.Equal(t, http.StatusServiceUnavailable, post(t, srv.URL+"/webhook/test", "", b).StatusCode, "failure: redeliver")
	assert.Equal(t, http.StatusOK, post(t, srv.URL+"/webhook/test", "", b).StatusCode, "redelivery handled")
	assert.Equal(t, http.StatusOK, post(t, srv.URL+"/webhook/test", "", b).StatusCode, "duplicate acknowledged")
	assert.Equal(t, []string{"c1: hello"}, src.Sent(), "answered exactly once")
}

func TestAsyncQueueFull(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	bot := cardbot.New(
		cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		delivery.WithAsync(delivery.Config{QueueSize: 1, Concurrency: 1, QueueWait: -1}),
	)
	bot.Handle(cardbot.OnAny, func(c *cardbot.Context) error { <-release; return nil })
	srv := newEcho(t, bot, &testSource{}, webhook.Config{AllowUnauthenticated: true})
	codes := map[int]int{}
	for i := range 5 {
		codes[post(t, srv.URL+"/webhook/test", "", body(upd(fmt.Sprint(i), "c1", "x"))).StatusCode]++
	}
	close(release)
	assert.Positive(t, codes[http.StatusOK])
	assert.Positive(t, codes[http.StatusServiceUnavailable], "a full queue answers 503: %v", codes)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, bot.Shutdown(ctx))
}

func TestServerHealthAndGracefulShutdown(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnAny, func(c *cardbot.Context) error {
		close(started)
		<-release
		return c.Send(c.Text())
	})
	src := &testSource{}
	s := webhook.NewServer(bot, webhook.ServerConfig{Config: webhook.Config{AllowUnauthenticated: true}})
	require.NoError(t, s.Handle("/webhook/test", src))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	base := "http://" + l.Addr().String()

	resp, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	status := make(chan int, 1)
	go func() {
		resp, err := http.Post(base+"/webhook/test", "application/json", strings.NewReader(body(upd("1", "c1", "in flight"))))
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-started
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	select {
	case <-shut:
		t.Fatal("Shutdown returned while a request was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-shut)
	assert.Equal(t, http.StatusOK, <-status, "the request in flight was answered")
	assert.Equal(t, []string{"c1: in flight"}, src.Sent())
	require.NoError(t, <-served, "Serve returns nil after Shutdown")
	_, err = http.Get(base + "/healthz")
	assert.Error(t, err, "no longer accepting")
}

func TestServerSlowClient(t *testing.T) {
	t.Parallel()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	s := webhook.NewServer(bot, webhook.ServerConfig{ReadHeaderTimeout: 100 * time.Millisecond})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })

	conn, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("POST /webhook/test HTTP/1.1\r\nHost: x\r\n")) // and never the rest
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	start := time.Now()
	_, err = io.ReadAll(conn) // the server gives up and closes
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 4*time.Second, "closed by the header timeout, not by our deadline")
}

func TestListenAndServeBadAddress(t *testing.T) {
	t.Parallel()
	s := webhook.NewServer(cardbot.New(), webhook.ServerConfig{Addr: "256.0.0.1:http"})
	err := s.ListenAndServe()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "listen")
}

// Mount works on a group of an existing app, beside its own routes.
func TestMountOnGroup(t *testing.T) {
	t.Parallel()
	e := echo.New()
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "app") })
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnAny, echoText)
	src := &testSource{}
	_, err := webhook.Mount(e.Group("/hooks"), "/test", bot, src, webhook.Config{AllowUnauthenticated: true})
	require.NoError(t, err)
	webhook.MountHealth(e, "/healthz", func() bool { return false })

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hooks/test", bytes.NewBufferString(body(upd("1", "c", "x")))))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, []string{"c: x"}, src.Sent())

	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"status":"draining"}`, rec.Body.String())
}

// newTestServer serves h on loopback until the test ends.
func newTestServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestNetHTTPHandler: mounted with net/http, the route takes POST only,
// and the application's other routes are its own.
func TestNetHTTPHandler(t *testing.T) {
	t.Parallel()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	bot.Handle(cardbot.OnAny, echoText)
	src := &testSource{token: token}
	srv := newMux(t, bot, src, webhook.Config{})
	tests := []struct {
		name, method, path string
		want               int
		allow              string
	}{
		{"GET the route", http.MethodGet, "/webhook/test", http.StatusMethodNotAllowed, http.MethodPost},
		{"PUT the route", http.MethodPut, "/webhook/test", http.StatusMethodNotAllowed, http.MethodPost},
		{"the app's own route", http.MethodGet, "/app", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(body(upd("1", "c1", "hi"))))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			assert.Equal(t, tt.allow, resp.Header.Get("Allow"))
		})
	}
	assert.Empty(t, src.Sent())
}
