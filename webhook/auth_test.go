package webhook_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// TestUnauthenticatedRouteRefused: a route whose Source would accept a
// request without credentials is refused with ErrUnauthenticated, by every
// way of mounting it, unless the Config opts in; then it serves anyone.
func TestUnauthenticatedRouteRefused(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.DiscardHandler)
	newGreenAPI := func(t *testing.T, hookToken string) webhook.Source {
		c, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "tok-0123456789",
			WebhookToken: hookToken, Logger: quiet})
		require.NoError(t, err)
		return c
	}
	newAitu := func(t *testing.T, _ string) webhook.Source {
		c, err := aitu.New(aitu.Config{Token: "tok-0123456789", Logger: quiet})
		require.NoError(t, err)
		return c
	}
	newTest := func(_ *testing.T, hookToken string) webhook.Source { return &testSource{token: hookToken} }

	mounts := []struct {
		name  string
		mount func(d cardbot.Dispatcher, src webhook.Source, cfg webhook.Config) error
	}{
		{"NewHandler", func(d cardbot.Dispatcher, src webhook.Source, cfg webhook.Config) error {
			_, err := webhook.NewHandler(d, src, cfg)
			return err
		}},
		{"Handler", func(d cardbot.Dispatcher, src webhook.Source, cfg webhook.Config) error {
			_, err := webhook.EchoHandler(d, src, cfg)
			return err
		}},
		{"Mount", func(d cardbot.Dispatcher, src webhook.Source, cfg webhook.Config) error {
			_, err := webhook.Mount(echo.New(), "/hook", d, src, cfg)
			return err
		}},
		{"Server.Handle", func(d cardbot.Dispatcher, src webhook.Source, cfg webhook.Config) error {
			return webhook.NewServer(d, webhook.ServerConfig{Config: cfg}).Handle("/hook", src)
		}},
	}
	tests := []struct {
		name      string
		src       func(t *testing.T, hookToken string) webhook.Source
		hookToken string
		allow     bool
		wantErr   bool
	}{
		{"greenapi with a webhook token", newGreenAPI, token, false, false},
		{"greenapi without a webhook token", newGreenAPI, "", false, true},
		{"greenapi without a webhook token, allowed", newGreenAPI, "", true, false},
		{"aitu, which signs nothing", newAitu, "", false, true},
		{"aitu, allowed (its path is the secret)", newAitu, "", true, false},
		{"a source with a token", newTest, token, false, false},
		{"a source that accepts anyone", newTest, "", false, true},
	}
	for _, m := range mounts {
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				bot := cardbot.New(cardbot.WithLogger(quiet))
				err := m.mount(bot, tt.src(t, tt.hookToken), webhook.Config{AllowUnauthenticated: tt.allow, Logger: quiet})
				if !tt.wantErr {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, webhook.ErrUnauthenticated)
				assert.Contains(t, err.Error(), "AllowUnauthenticated", "the error says how to opt in")
			})
		}
	}
}

// TestAllowUnauthenticatedServesAnyone: the opt-in does what it says, and
// a route without it is not mounted at all.
func TestAllowUnauthenticatedServesAnyone(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.DiscardHandler)
	tests := []struct {
		name  string
		allow bool
		want  int
	}{
		{"opted in: served", true, http.StatusOK},
		{"not opted in: no route", false, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := cardbot.New(cardbot.WithLogger(quiet))
			bot.Handle(cardbot.OnAny, echoText)
			src := &testSource{}
			e := echo.New()
			_, err := webhook.Mount(e, "/hook", bot, src, webhook.Config{AllowUnauthenticated: tt.allow, Logger: quiet})
			assert.Equal(t, !tt.allow, err != nil)
			srv := newTestServer(t, e)
			resp := post(t, srv.URL+"/hook", "", body(upd("1", "c1", "hi")))
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
}

// TestNilArguments: a nil Dispatcher or Source is an error, not a panic.
func TestNilArguments(t *testing.T) {
	t.Parallel()
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)))
	tests := []struct {
		name string
		d    cardbot.Dispatcher
		src  webhook.Source
	}{
		{"nil cardbot.Dispatcher", nil, &testSource{token: token}},
		{"nil Source", bot, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.Mount(echo.New(), "/hook", tt.d, tt.src, webhook.Config{})
			require.ErrorIs(t, err, webhook.ErrNilArgument)
			_, err = webhook.NewHandler(tt.d, tt.src, webhook.Config{})
			require.ErrorIs(t, err, webhook.ErrNilArgument)
		})
	}
}
