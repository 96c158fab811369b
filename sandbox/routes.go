package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot/webhook"
)

// bodyLimit caps what the routes read: a text, a vCard or a .vcf file.
const bodyLimit = 1 << 20

// Mount adds the sandbox's routes under /sandbox/ to r (an *echo.Echo, or an
// *echo.Group, whose prefix then comes first): the page at /sandbox/, its
// API under /sandbox/api/, and the curl routes /sandbox/<messenger>/…
// (see the package documentation). Every route answers 403 to clients that
// are not on loopback, and to a Host that is not a loopback name (localhost,
// 127.0.0.0/8, [::1]), unless Config.AllowRemote is set; and, always, to a
// POST from another site's page (its Origin or Sec-Fetch-Site says so).
func (s *Sandbox) Mount(r webhook.Router) {
	guard := s.newGuard()
	g := func(method, p string, h echo.HandlerFunc) { r.Add(method, "/sandbox"+p, h, guard) }
	g(http.MethodGet, "", func(c echo.Context) error {
		return c.Redirect(http.StatusFound, c.Request().URL.Path+"/")
	})
	g(http.MethodGet, "/", s.page)
	g(http.MethodGet, "/static/:file", s.static)
	g(http.MethodGet, "/api/setup", s.setup)
	g(http.MethodGet, "/api/events", s.events)
	g(http.MethodGet, "/api/state", s.state)
	g(http.MethodPost, "/:messenger/text", s.post(kindText))
	g(http.MethodPost, "/:messenger/contact", s.post(kindContact))
	g(http.MethodPost, "/:messenger/vcf", s.post(kindVCF))
	g(http.MethodPost, "/:messenger/again", s.again)
	g(http.MethodGet, "/:messenger/sent", s.sent)
	g(http.MethodGet, "/:messenger/fault", s.getFault)
	g(http.MethodPost, "/:messenger/fault", s.setFault)
}

// Handler returns an http.Handler serving only the sandbox's routes, for a
// server of its own: http.ListenAndServe("127.0.0.1:8081", sb.Handler()).
func (s *Sandbox) Handler() http.Handler {
	e := echo.New()
	s.Mount(e)
	return e
}

type postKind int

const (
	kindText postKind = iota
	kindContact
	kindVCF
)

// post serves the curl routes: the body becomes a message of the user
// (?user=, default the first) in their chat (?chat=group for the group),
// delivered to the bot; the answer is the replies as JSON.
func (s *Sandbox) post(kind postKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, err := s.messenger(c)
		if err != nil {
			return err
		}
		f, err := sender(c.QueryParam("user"), c.QueryParam("chat"))
		if err != nil {
			return echo.NewHTTPError(http.StatusNotFound, err.Error())
		}
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, bodyLimit+1))
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "reading the body: "+err.Error())
		}
		if len(body) > bodyLimit {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "the body is over 1 MiB")
		}
		chat := m.peer.chatID(f)
		msg := &MessageData{Chat: chat, From: f.user.ID, FromName: f.user.Name}
		var hook []byte
		switch kind {
		case kindText:
			msg.Text, hook = string(body), m.peer.text(f, string(body))
		case kindContact:
			msg.Contacts, hook = sharedContacts(body), m.peer.contact(f, body)
		case kindVCF:
			name := path.Base("/" + c.QueryParam("name"))
			if name == "/" || name == "." {
				name = "contacts.vcf"
			}
			msg.File, hook = &FileData{Name: name, Size: len(body)}, m.peer.vcf(f, name, body)
		}
		d, err := s.deliver(m, msg, chat, hook)
		return s.answer(c, d, err)
	}
}

// again delivers the messenger's last webhook once more, as a provider
// that got no answer would.
func (s *Sandbox) again(c echo.Context) error {
	m, err := s.messenger(c)
	if err != nil {
		return err
	}
	d, err := s.deliver(m, nil, "", nil)
	if errors.Is(err, ErrNothingToRedeliver) {
		return echo.NewHTTPError(http.StatusConflict, err.Error())
	}
	return s.answer(c, d, err)
}

// answer writes a delivery's replies; a webhook the bot did not answer
// with 200 shows as 502 with the status, as the echobot's routes did.
func (s *Sandbox) answer(c echo.Context, d delivery, err error) error {
	switch {
	case errors.Is(err, ErrClosed):
		return echo.NewHTTPError(http.StatusServiceUnavailable, err.Error())
	case err != nil:
		return c.JSON(http.StatusBadGateway, map[string]string{"error": err.Error()})
	case d.Status != http.StatusOK:
		return c.JSON(http.StatusBadGateway, map[string]any{
			"error": "the bot answered the webhook with " + http.StatusText(d.Status), "status": d.Status, "replies": nonNil(d.Replies),
		})
	}
	return c.JSON(http.StatusOK, nonNil(d.Replies))
}

func nonNil(r []Reply) []Reply {
	if r == nil {
		return []Reply{}
	}
	return r
}

func (s *Sandbox) sent(c echo.Context) error {
	m, err := s.messenger(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nonNil(m.peer.replies()))
}

func (s *Sandbox) getFault(c echo.Context) error {
	m, err := s.messenger(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m.faults.get())
}

// setFault sets the messenger's faults from a FaultRequest.
func (s *Sandbox) setFault(c echo.Context) error {
	m, err := s.messenger(c)
	if err != nil {
		return err
	}
	var req FaultRequest
	if err := json.NewDecoder(io.LimitReader(c.Request().Body, 4096)).Decode(&req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "the body is not a fault request: "+err.Error())
	}
	state, err := m.faults.apply(req)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	s.hub.publish(KindFaults, m.name, state)
	return c.JSON(http.StatusOK, state)
}

// messenger is the route's messenger, or a 404.
func (s *Sandbox) messenger(c echo.Context) (*messenger, error) {
	m, ok := s.ms[Messenger(c.Param("messenger"))]
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotFound, ErrUnknownMessenger.Error()+": "+c.Param("messenger"))
	}
	return m, nil
}
