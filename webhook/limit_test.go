package webhook_test

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/webhook"
)

// TestOversizeBodyAnswered413: a client that sends Connection: close and
// a body over the limit, all of it before it reads (as Python's urllib
// does), reads the 413: the route drains the body before the connection
// closes, so the kernel does not reset it with the answer unread. Twenty
// times each, since a reset is a race.
func TestOversizeBodyAnswered413(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.DiscardHandler)
	bot := cardbot.New(cardbot.WithLogger(quiet))
	bot.Handle(cardbot.OnAny, echoText)
	src := &testSource{token: token}
	s := webhook.NewServer(bot, webhook.ServerConfig{Config: webhook.Config{Logger: quiet}})
	require.NoError(t, s.Handle("/hook", src))
	h, err := webhook.NewHandler(bot, src, webhook.Config{Logger: quiet})
	require.NoError(t, err)
	hs := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	servers := []struct {
		name string
		l    net.Listener
	}{
		{"echo", serve(t, s.Serve, func() { _ = s.Shutdown(t.Context()) })},
		{"net/http", serve(t, hs.Serve, func() { _ = hs.Shutdown(t.Context()) })},
	}

	tests := []struct {
		name    string
		size    int
		chunked bool
	}{
		{"twice the limit", 2 * webhook.DefaultBodyLimit, false},
		{"four times the limit", 4 * webhook.DefaultBodyLimit, false},
		{"the most that is drained", webhook.DefaultBodyLimit + webhook.MaxBodyDrain, false},
		{"twice the limit, chunked", 2 * webhook.DefaultBodyLimit, true},
	}
	// After the subtests, which run in parallel.
	t.Cleanup(func() { assert.Empty(t, src.Sent()) })
	for _, srv := range servers {
		for _, tt := range tests {
			t.Run(srv.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				for i := range 20 {
					status, err := postAllThenRead(srv.l.Addr().String(), tt.size, tt.chunked)
					require.NoError(t, err, "attempt %d: the 413 was read", i)
					assert.Equal(t, "HTTP/1.1 413 Request Entity Too Large", status, "attempt %d", i)
				}
			})
		}
	}
}

// postAllThenRead posts size bytes to /hook with Connection: close, writing
// the whole body before it reads, and returns the status line it reads.
func postAllThenRead(addr string, size int, chunked bool) (string, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(conn, 64<<10)
	head := "POST /hook HTTP/1.1\r\nHost: bot\r\nConnection: close\r\nAuthorization: Bearer " + token +
		"\r\nContent-Type: application/json\r\n"
	if chunked {
		fmt.Fprintf(w, "%sTransfer-Encoding: chunked\r\n\r\n", head)
		chunk := strings.Repeat("x", 32<<10)
		for n := 0; n < size; n += len(chunk) {
			fmt.Fprintf(w, "%x\r\n%s\r\n", len(chunk), chunk)
		}
		io.WriteString(w, "0\r\n\r\n")
	} else {
		fmt.Fprintf(w, "%sContent-Length: %d\r\n\r\n", head, size)
		io.WriteString(w, strings.Repeat("x", size))
	}
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("writing the body: %w", err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading the answer: %w", err)
	}
	return strings.TrimRight(status, "\r\n"), nil
}
