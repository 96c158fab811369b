package sandbox

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

func TestRefusesRealCredentials(t *testing.T) {
	const secret = "s3cr3t-value-never-shown"
	tests := []struct {
		name  string
		env   map[string]string
		extra []string
		want  []string // variables named in the error; none: New starts
	}{
		{"nothing set", map[string]string{}, nil, nil},
		{"unrelated variables", map[string]string{"ADDR": ":8080", "DELIVERY": "async"}, nil, nil},
		{"GREEN-API instance", map[string]string{"GREENAPI_ID_INSTANCE": secret}, nil, []string{"GREENAPI_ID_INSTANCE"}},
		{"GREEN-API token", map[string]string{"GREENAPI_API_TOKEN_INSTANCE": secret}, nil, []string{"GREENAPI_API_TOKEN_INSTANCE"}},
		{"MAX", map[string]string{"MAX_ID_INSTANCE": secret, "MAX_API_TOKEN_INSTANCE": secret}, nil, []string{"MAX_ID_INSTANCE", "MAX_API_TOKEN_INSTANCE"}},
		{"Aitu token", map[string]string{"AITU_BOT_TOKEN": secret}, nil, []string{"AITU_BOT_TOKEN"}},
		{"Aitu webhook secret", map[string]string{"AITU_WEBHOOK_SECRET": secret}, nil, []string{"AITU_WEBHOOK_SECRET"}},
		{"a bot's own secret", map[string]string{"CRM_TOKEN": secret}, []string{"CRM_TOKEN"}, []string{"CRM_TOKEN"}},
		{"an empty variable is not set", map[string]string{"AITU_BOT_TOKEN": ""}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := cardbot.New(cardbot.WithLogger(quiet))
			sb, err := New(bot, Config{Getenv: func(k string) string { return tt.env[k] }, ExtraCredentials: tt.extra, Logger: quiet})
			if tt.want == nil {
				require.NoError(t, err)
				require.NoError(t, sb.Close())
				return
			}
			require.ErrorIs(t, err, ErrRealCredentials)
			var ce *CredentialsError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.want, ce.Variables)
			assert.NotContains(t, err.Error(), secret, "values are never shown")
			assert.Nil(t, sb)
			_, registered := bot.Provider("greenapi")
			assert.False(t, registered, "nothing was started")
		})
	}
}

// With no Config.Getenv, New reads the process's environment.
func TestRefusesRealCredentialsOfTheEnvironment(t *testing.T) {
	t.Setenv("AITU_BOT_TOKEN", "s3cr3t")
	sb, err := New(cardbot.New(cardbot.WithLogger(quiet)), Config{Logger: quiet})
	var ce *CredentialsError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"AITU_BOT_TOKEN"}, ce.Variables)
	assert.Nil(t, sb)
}

func TestNewFails(t *testing.T) {
	taken := func() *cardbot.Bot {
		fake := greenapitest.NewServer()
		t.Cleanup(fake.Close)
		b := cardbot.New(cardbot.WithLogger(quiet))
		c, err := newClientOf(fake)
		require.NoError(t, err)
		require.NoError(t, b.AddProvider(c))
		return b
	}
	tests := []struct {
		name string
		bot  *cardbot.Bot
		cfg  Config
		want error
		text string
	}{
		{"no bot", nil, Config{}, nil, "needs a bot"},
		{"unknown messenger", cardbot.New(), Config{Messengers: []Messenger{"viber"}}, ErrUnknownMessenger, `"viber"`},
		{"the bot has a provider of that name", taken(), Config{}, nil, "whatsapp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Getenv, tt.cfg.Logger = noEnv, quiet
			sb, err := New(tt.bot, tt.cfg)
			require.Error(t, err)
			assert.Nil(t, sb)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assert.Contains(t, err.Error(), tt.text)
		})
	}
}

func TestClients(t *testing.T) {
	tests := []struct {
		played                 []Messenger
		whatsapp, max, tg, ait bool
	}{
		{nil, true, true, true, true},
		{[]Messenger{Aitu}, false, false, false, true},
		{[]Messenger{WhatsApp, WhatsApp, MAX}, true, true, false, false},
		{[]Messenger{Telegram}, false, false, true, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(names(tt.played), ","), func(t *testing.T) {
			s := start(t, Config{Messengers: tt.played})
			assert.Equal(t, tt.whatsapp, s.sb.WhatsApp() != nil)
			assert.Equal(t, tt.max, s.sb.MAX() != nil)
			assert.Equal(t, tt.tg, s.sb.Telegram() != nil)
			assert.Equal(t, tt.ait, s.sb.Aitu() != nil)
			for _, m := range s.sb.Played() {
				name := map[Messenger]string{WhatsApp: "greenapi", MAX: "max", Telegram: "telegram", Aitu: "aitu"}[m]
				_, ok := s.bot.Provider(name)
				assert.True(t, ok, "%s is registered with the bot", name)
			}
		})
	}
}

// Bot.Send reaches the sandbox's chats too: a forwarder runs in it.
func TestBotSendReachesTheFakes(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp, Aitu}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.bot.Send(ctx, "greenapi", "77011234567@c.us", cardbot.Text{Body: "first"})
	require.NoError(t, err)
	status, body := do(t, http.MethodGet, s.url+"/sandbox/whatsapp/sent", "")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[{"chat":"77011234567@c.us","text":"first"}]`, body)
}

func TestStatePanel(t *testing.T) {
	tests := []struct {
		name  string
		state StateSource
		want  string
	}{
		{"no state source", nil, `{"available":false,"note":"this bot keeps no conversation state per chat (cardbot.WithState); sandbox.Config.State shows another source here"}`},
		{"a state", StateFunc(func(_ context.Context, provider, chat string) (any, error) {
			return map[string]string{"provider": provider, "chat": chat, "step": "ask-name"}, nil
		}), `{"available":true,"state":{"provider":"max","chat":"10000000","step":"ask-name"}}`},
		{"an error", StateFunc(func(context.Context, string, string) (any, error) {
			return nil, errors.New("store down")
		}), `{"available":true,"error":"store down"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Config{Messengers: []Messenger{MAX}, State: tt.state})
			status, body := do(t, http.MethodGet, s.url+"/sandbox/api/state?messenger=max&chat=10000000", "")
			require.Equal(t, http.StatusOK, status)
			assert.JSONEq(t, tt.want, body)
		})
	}
}

// The panel asks only about a messenger the sandbox plays.
func TestStatePanelOfAMessengerNotPlayed(t *testing.T) {
	asked := false
	s := start(t, Config{Messengers: []Messenger{MAX}, State: StateFunc(func(context.Context, string, string) (any, error) {
		asked = true
		return "never", nil
	})})
	for _, m := range []string{"whatsapp", "telegram", ""} {
		status, body := do(t, http.MethodGet, s.url+"/sandbox/api/state?messenger="+m+"&chat=10000000", "")
		assert.Equal(t, http.StatusNotFound, status, body)
		assert.Contains(t, body, ErrUnknownMessenger.Error())
	}
	assert.False(t, asked)
}

// The page replays Config.History events at most.
func TestHistory(t *testing.T) {
	s := start(t, Config{Messengers: []Messenger{WhatsApp}, History: 2})
	say(t, s.url, "whatsapp/text", "one")
	say(t, s.url, "whatsapp/text", "two")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := openStream(t, ctx, s.url, 0)
	first, _, ok := st.next(t)
	require.True(t, ok)
	second, _, ok := st.next(t)
	require.True(t, ok)
	// message, reply, call, webhook per text: the last two are kept.
	assert.Equal(t, []string{KindCall, KindWebhook}, []string{first.Kind, second.Kind})
	assert.Equal(t, int64(8), second.ID)
	s.sb.hub.mu.Lock()
	defer s.sb.hub.mu.Unlock()
	assert.Len(t, s.sb.hub.log, 2)
}

// A bot that keeps a state per chat shows it in the panel with no
// StateSource of its own.
func TestStatePanelOfTheBot(t *testing.T) {
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)), cardbot.WithState(cardbot.StateConfig{}))
	bot.Handle(cardbot.Command("ask"), func(c *cardbot.Context) error {
		if err := cardbot.SetData(c, map[string]int{"asked": 1}); err != nil {
			return err
		}
		if err := c.SetState("asking"); err != nil {
			return err
		}
		return c.Send("Your name?")
	})
	sb, err := New(bot, Config{Messengers: []Messenger{WhatsApp}, Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, sb.Close())
		assert.NoError(t, bot.Shutdown(context.Background()))
	})
	e := echo.New()
	sb.Mount(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)

	get := func() string {
		status, body := do(t, http.MethodGet, srv.URL+"/sandbox/api/state?messenger=whatsapp&chat=79001234567@c.us", "")
		require.Equal(t, http.StatusOK, status)
		return body
	}
	assert.JSONEq(t, `{"available":true}`, get(), "no conversation yet")
	status, body := do(t, http.MethodPost, srv.URL+"/sandbox/whatsapp/text", "/ask")
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"available":true,"state":{"state":"asking","data":{"asked":1}}}`, get())
}

func names(ms []Messenger) []string {
	out := []string{"default"}
	if len(ms) > 0 {
		out = nil
	}
	for _, m := range ms {
		out = append(out, string(m))
	}
	return out
}

func newClientOf(fake *greenapitest.Server) (*greenapi.Client, error) {
	return greenapi.New(fake.Config())
}
