package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	cbdelivery "github.com/cardbot/cardbot/delivery" // sandbox has a type delivery
)

// TestShutdownDrainsFirst: Shutdown while a handler is under way, in sync
// and async mode: the handler's answer reaches the fake API, the delivery
// that waits for it gets it, and only then is the sandbox closed.
func TestShutdownDrainsFirst(t *testing.T) {
	tests := []struct {
		name string
		opts []cardbot.Option
		slow bool // the page's slow API is on
	}{
		{"sync", nil, false},
		{"sync, slow API", nil, true},
		{"async", []cardbot.Option{cbdelivery.WithAsync(cbdelivery.Config{})}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := cardbot.New(append([]cardbot.Option{cardbot.WithLogger(quiet)}, tt.opts...)...)
			inside, release := make(chan struct{}), make(chan struct{})
			bot.Handle(cardbot.OnText, func(c *cardbot.Context) error {
				close(inside)
				<-release
				return c.Send("the last answer")
			})
			sb, err := New(bot, Config{Getenv: noEnv, Logger: quiet, SlowDelay: 100 * time.Millisecond})
			require.NoError(t, err)
			_, err = sb.ms[WhatsApp].faults.apply(FaultRequest{Slow: &tt.slow})
			require.NoError(t, err)
			e := echo.New()
			sb.Mount(e)
			srv := httptest.NewServer(e)
			defer srv.Close()

			delivered := make(chan int, 1)
			go func() {
				resp, err := http.Post(srv.URL+"/sandbox/whatsapp/text", "text/plain", strings.NewReader("hi"))
				if err != nil {
					delivered <- 0
					return
				}
				resp.Body.Close()
				delivered <- resp.StatusCode
			}()
			select {
			case <-inside:
			case <-time.After(10 * time.Second):
				t.Fatal("the handler did not run")
			}
			shut := make(chan error, 1)
			go func() { shut <- sb.Shutdown(context.Background()) }()
			close(release)
			select {
			case err := <-shut:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("Shutdown did not return")
			}
			assert.Equal(t, http.StatusOK, <-delivered)
			var texts []string
			for _, r := range sb.ms[WhatsApp].peer.replies() {
				texts = append(texts, r.Text)
			}
			assert.Equal(t, []string{"the last answer"}, texts)
			require.ErrorIs(t, bot.Dispatch(context.Background(), sb.WhatsApp(), cardbot.Update{}), cardbot.ErrShuttingDown,
				"the bot was shut down")
		})
	}
}
