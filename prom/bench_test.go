package prom_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
// counts the update received, its handling and its send. The two bots
// take turns, one webhook each, so that a change of the machine's load
// touches both alike; plain-ns/op and prom-ns/op are their times, and
// prom/plain their ratio. The target: Prometheus adds under 5 %.
func BenchmarkWebhookObserver(b *testing.B) {
	plain, prom := webhookBot(b, false), webhookBot(b, true)
	var spent [2]time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		for k, e := range [2]*echo.Echo{plain, prom} {
			req := httptest.NewRequest(http.MethodPost, "/webhook/greenapi", strings.NewReader(benchText(i)))
			req.Header.Set("Authorization", "Bearer bench-token")
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			start := time.Now()
			e.ServeHTTP(rec, req)
			spent[k] += time.Since(start)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	}
	b.ReportMetric(float64(spent[0].Nanoseconds())/float64(i), "plain-ns/op")
	b.ReportMetric(float64(spent[1].Nanoseconds())/float64(i), "prom-ns/op")
	b.ReportMetric(float64(spent[1])/float64(spent[0]), "prom/plain")
}

// webhookBot is the benchmark's bot behind echo, with the Prometheus
// observer when observe is set.
func webhookBot(b *testing.B, observe bool) *echo.Echo {
	b.Helper()
	var sends atomic.Int64
	client, err := greenapi.New(greenapi.Config{
		APIURL: "http://greenapi.invalid", IDInstance: "1101000001", APITokenInstance: "api-token",
		WebhookToken: "bench-token", HTTPClient: &http.Client{Transport: okTransport{&sends}}, Logger: quiet(),
	})
	if err != nil {
		b.Fatal(err)
	}
	opts := []cardbot.Option{cardbot.WithLogger(quiet()), cardbot.WithProviders(client)}
	if observe {
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
	return e
}

// benchText is a GREEN-API text webhook with its own idMessage.
func benchText(id int) string {
	return `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"79001234567@c.us","typeInstance":"whatsapp"},` +
		`"timestamp":1588091580,"idMessage":"F7AEC1B7086ECDC7E6E4` + strconv.Itoa(10000000+id) + `",` +
		`"senderData":{"chatId":"79001234568@c.us","chatName":"Green API","sender":"79001234568@c.us","senderName":"Green API","senderContactName":""},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hello"}}}`
}
