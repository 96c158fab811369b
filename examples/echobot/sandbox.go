package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// sandboxChat is the WhatsApp user the sandbox plays.
const sandboxChat = "79001234567@c.us"

// sandboxBodyLimit caps what the /sandbox/ routes read.
const sandboxBodyLimit = 1 << 20

// sandbox plays GREEN-API with greenapitest: the bot sends to it, and the
// /sandbox/ routes turn what you post into GREEN-API webhooks, deliver them
// to the bot's own webhook route, and answer with what the bot sent back.
type sandbox struct {
	fake *greenapitest.Server
	log  *slog.Logger
	hook string // the bot's webhook URL
	mu   sync.Mutex
}

func newSandbox(log *slog.Logger) *sandbox {
	s := &sandbox{log: log}
	s.fake = greenapitest.NewServer(
		greenapitest.WithWebhookToken("sandbox-webhook-token"),
		greenapitest.WithSentHook(func(m greenapitest.SentMessage) {
			log.Info("sandbox: the bot sent", "method", m.Method, "chat", m.ChatID, "text", m.Text, "contact", m.Contact)
		}),
	)
	return s
}

func (s *sandbox) Close() { s.fake.Close() }

// config points the bot's GREEN-API settings at the fake server.
func (s *sandbox) config(c greenapi.Config) greenapi.Config {
	f := s.fake.Config()
	c.APIURL, c.IDInstance, c.APITokenInstance, c.WebhookToken = f.APIURL, f.IDInstance, f.APITokenInstance, f.WebhookToken
	return c
}

// mount adds the /sandbox/ routes; hook is the bot's webhook URL.
func (s *sandbox) mount(e *echo.Echo, hook string) {
	s.hook = hook
	g := e.Group("/sandbox")
	g.POST("/text", s.deliver(func(in greenapitest.Incoming, body []byte) []byte {
		return s.fake.IncomingText(in, string(body))
	}))
	g.POST("/contact", s.deliver(func(in greenapitest.Incoming, body []byte) []byte {
		return s.fake.IncomingContact(in, "", string(body))
	}))
	g.POST("/vcf", s.deliver(func(in greenapitest.Incoming, body []byte) []byte {
		return s.fake.IncomingDocument(in, "contacts.vcf", "text/x-vcard", body)
	}))
	g.GET("/sent", func(c echo.Context) error {
		return c.JSON(http.StatusOK, s.fake.SentMessages())
	})
}

// deliver returns a route that makes a webhook of the posted body, pushes it
// to the bot as GREEN-API would, and answers with the messages the bot sent
// while handling it.
func (s *sandbox) deliver(build func(greenapitest.Incoming, []byte) []byte) echo.HandlerFunc {
	return func(c echo.Context) error {
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, sandboxBodyLimit))
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		s.mu.Lock() // one at a time, so that the answer holds this message's replies only
		defer s.mu.Unlock()
		before := len(s.fake.SentMessages())
		hook := build(greenapitest.Incoming{ChatID: sandboxChat}, body)
		statuses, err := s.fake.Push(context.WithoutCancel(c.Request().Context()), s.hook, hook)
		if err != nil {
			return c.JSON(http.StatusBadGateway, map[string]any{"error": err.Error(), "statuses": statuses})
		}
		return c.JSON(http.StatusOK, s.fake.SentMessages()[before:])
	}
}
