package app

import (
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
)

// sandboxBodyLimit caps what the /sandbox/ routes read.
const sandboxBodyLimit = 1 << 20

// peer plays a messenger's API on loopback: it makes the webhooks the
// messenger would send and records what the bot sends back.
type peer interface {
	// text, contact and vcf return the webhook body of a message from the
	// sandbox user: a text, a shared contact (a vCard) or a .vcf upload.
	text(body string) []byte
	contact(vcard []byte) []byte
	vcf(data []byte) []byte
	// push delivers a webhook to the bot's route as the messenger would.
	push(ctx context.Context, url string, body []byte) error
	// replies returns what the bot has sent so far.
	replies() []reply
	close()
}

// reply is one message the bot sent, the same for every messenger.
type reply struct {
	Chat    string        `json:"chat"`
	Text    string        `json:"text,omitempty"`
	Contact *replyContact `json:"contact,omitempty"`
}

// replyContact is a contact the bot sent: by number, or by the contact's
// account on the messenger.
type replyContact struct {
	Phone     string `json:"phone,omitempty"`
	Account   string `json:"account,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Company   string `json:"company,omitempty"`
}

// sandbox serves the /sandbox/ routes of the messengers that have no
// credentials: POST /sandbox/<messenger>/text, /contact and /vcf turn the
// posted text or vCard into the webhook the messenger would send, deliver
// it to the bot's own route, and answer with what the bot sent back; GET
// /sandbox/<messenger>/sent lists every reply.
type sandbox struct {
	mu sync.Mutex // one delivery at a time, so an answer holds its own replies
}

// mount adds the routes of peer p, whose webhooks go to hook.
func (s *sandbox) mount(e *echo.Echo, name string, p peer, hook string) {
	g := e.Group("/sandbox/" + name)
	g.POST("/text", s.deliver(p, hook, func(b []byte) []byte { return p.text(string(b)) }))
	g.POST("/contact", s.deliver(p, hook, p.contact))
	g.POST("/vcf", s.deliver(p, hook, p.vcf))
	g.GET("/sent", func(c echo.Context) error { return c.JSON(http.StatusOK, p.replies()) })
}

func (s *sandbox) deliver(p peer, hook string, build func([]byte) []byte) echo.HandlerFunc {
	return func(c echo.Context) error {
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, sandboxBodyLimit))
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		before := len(p.replies())
		if err := p.push(context.WithoutCancel(c.Request().Context()), hook, build(body)); err != nil {
			return c.JSON(http.StatusBadGateway, map[string]string{"error": err.Error()})
		}
		return c.JSON(http.StatusOK, p.replies()[before:])
	}
}
