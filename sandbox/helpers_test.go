package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
)

// noEnv is a Getenv that finds no credentials, whatever the machine has.
func noEnv(string) string { return "" }

// quiet is a logger that writes nothing.
var quiet = slog.New(slog.DiscardHandler)

// newEchoBot is the bot of the tests: it echoes texts, sends back every
// contact it gets, and says why a card cannot be sent; /file sends a file. With opts that keep
// conversation state, /count counts in the chat's state.
func newEchoBot(opts ...cardbot.Option) *cardbot.Bot {
	b := cardbot.New(append([]cardbot.Option{cardbot.WithLogger(quiet)}, opts...)...)
	b.Handle(cardbot.Command("count"), func(c *cardbot.Context) error {
		n, err := cardbot.GetData[int](c)
		if err != nil {
			return err
		}
		if err := cardbot.SetData(c, n+1); err != nil {
			return err
		}
		if err := c.SetState("counting"); err != nil {
			return err
		}
		return c.Send(fmt.Sprintf("count %d", n+1))
	})
	b.Handle(cardbot.Command("file"), func(c *cardbot.Context) error {
		return c.SendFile(cardbot.File{Name: "notes.txt", ContentType: "text/plain", Data: []byte("hello"), Caption: "your notes"})
	})
	b.Handle(cardbot.OnText, func(c *cardbot.Context) error {
		return c.Send(c.Text())
	})
	b.Handle(cardbot.OnContact, func(c *cardbot.Context) error {
		cards, err := c.Contacts()
		if err != nil && len(cards) == 0 {
			return c.Send("I could not read the contacts: " + err.Error())
		}
		for _, card := range cards {
			err := c.SendContact(card)
			if errors.Is(err, cardbot.ErrNoUsableNumber) {
				err = c.Send(refusal(card))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return b
}

// refusal says which number of card was refused, and why.
func refusal(card contactcard.Card) string {
	for _, p := range card.Phones {
		var pe *contactcard.PhoneError
		if errors.As(p.Err, &pe) {
			return fmt.Sprintf("Not sent: %s: %s", card.FormattedName, pe.Reason)
		}
	}
	return fmt.Sprintf("Not sent: %s has no number", card.FormattedName)
}

// started is a sandbox of the echo bot, mounted on a test server.
type started struct {
	sb  *Sandbox
	url string // the server's base URL
	bot *cardbot.Bot
}

// start runs the echo bot in a sandbox of cfg, stopped when t ends; opts
// go to the bot.
func start(t *testing.T, cfg Config, opts ...cardbot.Option) started {
	t.Helper()
	bot := newEchoBot(opts...)
	if cfg.Getenv == nil {
		cfg.Getenv = noEnv
	}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	sb, err := New(bot, cfg)
	require.NoError(t, err)
	e := echo.New()
	sb.Mount(e)
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		require.NoError(t, sb.Close())
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(t, bot.Shutdown(ctx))
	})
	return started{sb: sb, url: srv.URL, bot: bot}
}

// do makes a request and returns the status and body.
func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(data)
}

// say posts body to a curl route and returns the replies.
func say(t *testing.T, base, route, body string) []Reply {
	t.Helper()
	status, data := do(t, http.MethodPost, base+"/sandbox/"+route, body)
	require.Equal(t, http.StatusOK, status, data)
	var replies []Reply
	require.NoError(t, json.Unmarshal([]byte(data), &replies))
	return replies
}

// eventsOf returns the kept events of one kind.
func (s started) eventsOf(kind string) []Event {
	s.sb.hub.mu.Lock()
	defer s.sb.hub.mu.Unlock()
	var out []Event
	for _, e := range s.sb.hub.log {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}
