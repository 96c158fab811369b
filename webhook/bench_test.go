package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/internal/benchhook"
	"github.com/cardbot/cardbot/internal/wirejson"
	"github.com/cardbot/cardbot/middleware"
	"github.com/cardbot/cardbot/provider/aitu"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// inProcessSend is the GREEN-API client with Send answered in process: the
// framework's own cost, without the client's HTTP request.
type inProcessSend struct {
	*greenapi.Client
	sends *atomic.Int64
}

func (p inProcessSend) Send(context.Context, string, cardbot.Outgoing) (cardbot.SentMessage, error) {
	p.sends.Add(1)
	return cardbot.SentMessage{ID: "3EB0C767D097B7C7C030"}, nil
}

// bareEnvelope is what a bare handler decodes: the same fields the
// provider reads.
type bareEnvelope struct {
	TypeWebhook  string `json:"typeWebhook"`
	InstanceData struct {
		IDInstance   int64  `json:"idInstance"`
		Wid          string `json:"wid"`
		TypeInstance string `json:"typeInstance"`
	} `json:"instanceData"`
	Timestamp  int64  `json:"timestamp"`
	IDMessage  string `json:"idMessage"`
	SenderData struct {
		ChatID, ChatName, Sender, SenderName, SenderContactName string
	} `json:"senderData"`
	MessageData struct {
		TypeMessage     string `json:"typeMessage"`
		TextMessageData struct {
			TextMessage string `json:"textMessage"`
		} `json:"textMessageData"`
	} `json:"messageData"`
}

// BenchmarkWebhook compares a GREEN-API text webhook through the whole bot
// (echo, Bearer auth, decode, dedup, routing, two middlewares, the handler
// and c.Send through the GREEN-API client on an in-process transport) with
// a bare echo handler that decodes the same JSON and answers 200. The
// issue's target is Bot ≤ 1.5× Bare. BotSendInProcess is the same with Send
// answered at the provider, not the HTTP transport: the framework's cost
// without the GREEN-API client's request. BareWirejson is the bare handler
// decoding with internal/wirejson, as the providers do, instead of
// encoding/json.
func BenchmarkWebhook(b *testing.B) {
	const hookToken = benchhook.Token
	var sends atomic.Int64
	client, err := greenapi.New(greenapi.Config{
		APIURL: "http://greenapi.invalid", IDInstance: "1101000001", APITokenInstance: "api-token",
		WebhookToken: hookToken, HTTPClient: &http.Client{Transport: benchhook.Transport{Sends: &sends}},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	var failed atomic.Int64
	bot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)), cardbot.WithProviders(client),
		cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { failed.Add(1) }))
	bot.Use(middleware.Recover(), middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: slog.New(slog.DiscardHandler)}))
	bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
	full := echo.New()
	if _, err := webhook.Mount(full, "/webhook/greenapi", bot, client, webhook.Config{}); err != nil {
		b.Fatal(err)
	}

	var fakeSends atomic.Int64
	lean := echo.New()
	leanBot := cardbot.New(cardbot.WithLogger(slog.New(slog.DiscardHandler)),
		cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { failed.Add(1) }))
	leanBot.Use(middleware.Recover(), middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: slog.New(slog.DiscardHandler)}))
	leanBot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
	if _, err := webhook.Mount(lean, "/webhook/greenapi", leanBot, inProcessSend{client, &fakeSends}, webhook.Config{}); err != nil {
		b.Fatal(err)
	}

	bare := echo.New()
	bare.POST("/webhook/greenapi", func(c echo.Context) error {
		var env bareEnvelope
		if err := json.NewDecoder(c.Request().Body).Decode(&env); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		return c.NoContent(http.StatusOK)
	})

	// The same bare handler decoding with the JSON library the providers
	// use: what the framework adds over the fastest bare decode.
	bareWire := echo.New()
	bareWire.POST("/webhook/greenapi", func(c echo.Context) error {
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		var env bareEnvelope
		if err := wirejson.Unmarshal(body, &env); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		return c.NoContent(http.StatusOK)
	})

	seq := 0 // message ids stay unique across -count runs of the same bot
	for _, bench := range []struct {
		name string
		e    *echo.Echo
	}{{"Bot", full}, {"BotSendInProcess", lean}, {"Bare", bare}, {"BareWirejson", bareWire}} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			sends.Store(0)
			fakeSends.Store(0)
			i := 0
			for b.Loop() {
				i++
				seq++
				req := httptest.NewRequest(http.MethodPost, "/webhook/greenapi", strings.NewReader(benchhook.Text(seq)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+hookToken)
				rec := httptest.NewRecorder()
				bench.e.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			if bench.e != bare && bench.e != bareWire && (sends.Load()+fakeSends.Load() != int64(i) || failed.Load() != 0) {
				b.Fatalf("%d webhooks, %d sends, %d handler errors", i, sends.Load()+fakeSends.Load(), failed.Load())
			}
		})
	}
}

// answer answers every send in process with body, and counts them.
type answer struct {
	body  string
	sends *atomic.Int64
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	a.sends.Add(1)
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(a.body)), Request: r,
	}, nil
}

// greenapiContact is GREEN-API's contactMessage webhook, n its message id.
func greenapiContact(n int) string {
	return `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"79001234567@c.us","typeInstance":"whatsapp"},` +
		`"timestamp":1588091580,"idMessage":"C0` + strconv.Itoa(10000000+n) + `",` +
		`"senderData":{"chatId":"79001234568@c.us","sender":"79001234568@c.us","senderName":"Green API"},` +
		`"messageData":{"typeMessage":"contactMessage","contactMessageData":{"displayName":"Victor Andreevich",` +
		`"vcard":"BEGIN:VCARD\nVERSION:3.0\nN:Andreevich;Victor;;;\nFN:Victor Andreevich\nORG:Image\nTITLE:\nitem1.TEL;waid=79001234569:+7 900 123-45-69\nitem1.X-ABLabel:Mobile\nEND:VCARD"}}}`
}

// aituContact is Aitu's Message update with one unregistered contact, n
// making its ids unique.
func aituContact(n int) string {
	id := fmt.Sprintf("%08x-f2af-41ea-ab1a-62e1faec30e1", n)
	return `{"updates":[{"type":"Message","updateId":"` + id + `","messageId":"` + id + `","sentAt":"2020-09-09T09:40:56.000Z",` +
		`"author":{"type":"USER","id":"5a5e7cd3-1b2c-4d5e-8f90-a1b2c3d4e5f6","firstName":"John","lastName":"Doe"},` +
		`"dialog":{"type":"USER","id":"5a5e7cd3-1b2c-4d5e-8f90-a1b2c3d4e5f6"},"content":"",` +
		`"media":[{"type":"UnregisteredContact","firstName":"Aigerim","lastName":"Sadykova","phoneNumber":"+7 701 123 45 67"}]}]}`
}

// BenchmarkContactWebhook is a shared contact through the whole bot on each
// messenger: echo, auth, decode, dedup, routing, Recover and Logger,
// Contacts (vCard parsing or fields, number normalization) and SendContact
// through the provider's client on an in-process transport.
func BenchmarkContactWebhook(b *testing.B) {
	discard := slog.New(slog.DiscardHandler)
	var sends, failed atomic.Int64
	newBot := func() *cardbot.Bot {
		bot := cardbot.New(cardbot.WithLogger(discard),
			cardbot.WithErrorHandler(func(_ *cardbot.Context, err error) { failed.Add(1) }))
		bot.Use(middleware.Recover(), middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: discard}))
		bot.Handle(cardbot.OnContact, func(c *cardbot.Context) error {
			cards, err := c.Contacts()
			if err != nil {
				return err
			}
			return c.SendContact(cards[0])
		})
		return bot
	}

	gc, err := greenapi.New(greenapi.Config{
		APIURL: "http://greenapi.invalid", IDInstance: "1101000001", APITokenInstance: "api-token",
		HTTPClient: &http.Client{Transport: answer{`{"idMessage":"3EB0C767D097B7C7C030"}`, &sends}}, Logger: discard,
	})
	if err != nil {
		b.Fatal(err)
	}
	ac, err := aitu.New(aitu.Config{
		APIURL: "http://aitu.invalid/bot/v1/", Token: "bot-token",
		HTTPClient: &http.Client{Transport: answer{`{}`, &sends}}, Logger: discard,
	})
	if err != nil {
		b.Fatal(err)
	}
	seq := 0
	for _, bench := range []struct {
		name string
		src  webhook.Source
		body func(int) string
	}{{"greenapi", gc, greenapiContact}, {"aitu", ac, aituContact}} {
		e := echo.New()
		// Neither client has a webhook token: the route lets anyone in.
		if _, err := webhook.Mount(e, "/hook", newBot(), bench.src, webhook.Config{AllowUnauthenticated: true}); err != nil {
			b.Fatal(err)
		}
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			sends.Store(0)
			failed.Store(0)
			i := 0
			for b.Loop() {
				i++
				seq++
				req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(bench.body(seq)))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			if sends.Load() != int64(i) || failed.Load() != 0 {
				b.Fatalf("%d webhooks, %d sends, %d handler errors", i, sends.Load(), failed.Load())
			}
		})
	}
}

// BenchmarkWebhookState is BenchmarkWebhook's Bot without conversation
// state and with it (in memory), the two bots taking turns webhook by
// webhook so that the machine's load touches both alike. It reports each
// one's time and state/plain, their ratio; the target is that
// state adds under 10 %. The handlers with state:
//
//   - "state" moves the conversation from one state to the other: a load
//     and a save of the record on every update;
//   - "record" does the same with a record that also holds data (set by
//     the first update), so that the data is loaded and saved too;
//   - "codec" also reads a count from the data, adds one and writes it
//     back (GetData and SetData: the data's JSON decoded and encoded on
//     every update, the handler's own work).
func BenchmarkWebhookState(b *testing.B) {
	type counter struct{ N int }
	toggle := func(c *cardbot.Context) error {
		next := "a"
		if c.State() == "a" {
			next = "b"
		}
		if err := c.SetState(next); err != nil {
			return err
		}
		return c.Send(c.Text())
	}
	record := func(c *cardbot.Context) error {
		if c.State() == "" {
			if err := cardbot.SetData(c, counter{N: 1}); err != nil {
				return err
			}
		}
		return toggle(c)
	}
	codec := func(c *cardbot.Context) error {
		n, err := cardbot.GetData[counter](c)
		if err != nil {
			return err
		}
		n.N++
		if err := cardbot.SetData(c, n); err != nil {
			return err
		}
		return toggle(c)
	}
	for _, tt := range []struct {
		name    string
		handler cardbot.HandlerFunc
	}{{"state", toggle}, {"record", record}, {"codec", codec}} {
		b.Run(tt.name, func(b *testing.B) {
			benchhook.Pair(b, "state", benchhook.Bot(b, benchhook.Reply),
				benchhook.Bot(b, tt.handler, cardbot.WithState(cardbot.StateConfig{})))
		})
	}
}
