package sandbox

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
)

// web holds the page: plain HTML, CSS and JavaScript, nothing to build.
//
//go:embed web
var web embed.FS

// page serves index.html.
func (s *Sandbox) page(c echo.Context) error {
	return s.asset(c, "index.html")
}

// static serves the page's other files.
func (s *Sandbox) static(c echo.Context) error {
	return s.asset(c, path.Base(c.Param("file")))
}

func (s *Sandbox) asset(c echo.Context, name string) error {
	data, err := fs.ReadFile(web, "web/"+name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'")
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ct, data)
}

// setupData tells the page what the sandbox plays.
type setupData struct {
	Messengers []messengerSetup `json:"messengers"`
	Users      []User           `json:"users"`
	Group      string           `json:"group"`
	State      bool             `json:"state"`
	SlowMillis int64            `json:"slowMs"`
}

type messengerSetup struct {
	ID       Messenger         `json:"id"`
	Label    string            `json:"label"`
	Provider string            `json:"provider"`
	Chats    map[string]string `json:"chats"` // user id or "group" → chat id
	Faults   Faults            `json:"faults"`
}

var labels = map[Messenger]string{WhatsApp: "WhatsApp", MAX: "MAX", Telegram: "Telegram", Aitu: "Aitu"}

func (s *Sandbox) setup(c echo.Context) error {
	d := setupData{Users: Users(), Group: groupTitle, State: s.cfg.State != nil, SlowMillis: s.cfg.slowDelay().Milliseconds()}
	for _, name := range s.order {
		m := s.ms[name]
		ms := messengerSetup{ID: name, Label: labels[name], Provider: m.peer.source().Name(), Chats: map[string]string{}, Faults: m.faults.get()}
		for i, u := range users {
			ms.Chats[u.ID] = m.peer.chatID(from{user: u, index: i})
		}
		ms.Chats[GroupChat] = m.peer.chatID(from{user: users[0], group: true})
		d.Messengers = append(d.Messengers, ms)
	}
	return c.JSON(http.StatusOK, d)
}

// stateAnswer is what GET /sandbox/api/state answers.
type stateAnswer struct {
	Available bool   `json:"available"`
	State     any    `json:"state,omitempty"`
	Error     string `json:"error,omitempty"`
	Note      string `json:"note,omitempty"`
}

// state serves the conversation state panel: ?messenger=&chat=.
func (s *Sandbox) state(c echo.Context) error {
	if s.cfg.State == nil {
		return c.JSON(http.StatusOK, stateAnswer{Note: "this bot keeps no conversation state per chat (cardbot.WithState); sandbox.Config.State shows another source here"})
	}
	m, ok := s.ms[Messenger(c.QueryParam("messenger"))]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, ErrUnknownMessenger.Error())
	}
	st, err := s.cfg.State.State(c.Request().Context(), m.peer.source().Name(), c.QueryParam("chat"))
	if err != nil {
		return c.JSON(http.StatusOK, stateAnswer{Available: true, Error: err.Error()})
	}
	return c.JSON(http.StatusOK, stateAnswer{Available: true, State: st})
}
