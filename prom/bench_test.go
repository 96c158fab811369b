package prom_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/middleware"
	"github.com/cardbot/cardbot/prom"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// okTransport answers every request as GREEN-API answers a send, in
// process.
type okTransport struct{ sends *atomic.Int64 }

func (t okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.sends.Add(1)
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"idMessage":"3EB0C767D097B7C7C030"}`)), Request: r}, nil
}

// BenchmarkWebhookObserver is webhook.BenchmarkWebhook's Bot (a GREEN-API
// text webhook through echo, auth, decode, dedup, routing, Recover and
// Logger, the handler and c.Send through the client on an in-process
// transport) without an observer and with the Prometheus one, which
// counts the update received, its handling and its send. The issue's
// target: Prometheus adds under 5 %.
func BenchmarkWebhookObserver(b *testing.B) {
	for _, tt := range []struct {
		name    string
		observe bool
	}{{"Bot", false}, {"BotPrometheus", true}} {
		b.Run(tt.name, func(b *testing.B) {
			var sends atomic.Int64
			client, err := greenapi.New(greenapi.Config{
				APIURL: "http://greenapi.invalid", IDInstance: "1101000001", APITokenInstance: "api-token",
				WebhookToken: "bench-token", HTTPClient: &http.Client{Transport: okTransport{&sends}}, Logger: quiet(),
			})
			if err != nil {
				b.Fatal(err)
			}
			opts := []cardbot.Option{cardbot.WithLogger(quiet()), cardbot.WithProviders(client)}
			if tt.observe {
				obs, err := prom.New(prom.Config{})
				if err != nil {
					b.Fatal(err)
				}
				opts = append(opts, cardbot.WithObserver(obs))
			}
			bot := cardbot.New(opts...)
			bot.Use(middleware.Recover(), middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: quiet()}))
			bot.Handle(cardbot.OnText, func(c *cardbot.Context) error { return c.Send(c.Text()) })
			e := echo.New()
			if _, err := webhook.Mount(e, "/webhook/greenapi", bot, client, webhook.Config{}); err != nil {
				b.Fatal(err)
			}

			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				req := httptest.NewRequest(http.MethodPost, "/webhook/greenapi", strings.NewReader(benchText(i)))
				req.Header.Set("Authorization", "Bearer bench-token")
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			if sends.Load() != int64(i) {
				b.Fatalf("%d sends for %d webhooks", sends.Load(), i)
			}
		})
	}
}

// benchText is a GREEN-API text webhook with its own idMessage.
func benchText(id int) string {
	return `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"79001234567@c.us","typeInstance":"whatsapp"},` +
		`"timestamp":1588091580,"idMessage":"F7AEC1B7086ECDC7E6E4` + strconv.Itoa(10000000+id) + `",` +
		`"senderData":{"chatId":"79001234568@c.us","chatName":"Green API","sender":"79001234568@c.us","senderName":"Green API","senderContactName":""},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hello"}}}`
}
