// Package benchhook holds what the benchmarks of a whole webhook share: a
// GREEN-API text webhook, a transport that answers sends in process, the
// bot of BenchmarkWebhook, and the loop that times two handlers in turns.
package benchhook

import (
	"io"
	"log/slog"
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
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/webhook"
)

// Token is the webhook token the benchmarks' clients expect.
const Token = "bench-token"

// Text is GREEN-API's incomingMessageReceived of a text message, with a
// distinct idMessage per delivery so that deduplication lets each through.
func Text(id int) string {
	return `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"79001234567@c.us","typeInstance":"whatsapp"},` +
		`"timestamp":1588091580,"idMessage":"F7AEC1B7086ECDC7E6E4` + strconv.Itoa(10000000+id) + `",` +
		`"senderData":{"chatId":"79001234568@c.us","chatName":"Green API","sender":"79001234568@c.us","senderName":"Green API","senderContactName":""},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"I use Green-API to send this message to you!"}}}`
}

// Transport answers every request as GREEN-API answers a send, in process,
// and counts them in Sends.
type Transport struct{ Sends *atomic.Int64 }

// RoundTrip answers r with a send's 200.
func (t Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.Sends.Add(1)
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"idMessage":"3EB0C767D097B7C7C030"}`)), Request: r,
	}, nil
}

// Request is a POST of Text(id) to /webhook/greenapi with Token.
func Request(id int) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/webhook/greenapi", strings.NewReader(Text(id)))
	req.Header.Set("Authorization", "Bearer "+Token)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// Pair serves each webhook to plain, then to other, timing each, so that a
// change of the machine's load touches both alike. It reports their times
// per webhook, plain-ns/op and <name>-ns/op, and <name>/plain, their
// ratio.
func Pair(b *testing.B, name string, plain, other http.Handler) {
	var spent [2]time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		for k, h := range [2]http.Handler{plain, other} {
			req, rec := Request(i), httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, req)
			spent[k] += time.Since(start)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	}
	b.ReportMetric(float64(spent[0].Nanoseconds())/float64(i), "plain-ns/op")
	b.ReportMetric(float64(spent[1].Nanoseconds())/float64(i), name+"-ns/op")
	b.ReportMetric(float64(spent[1])/float64(spent[0]), name+"/plain")
}

// Bot returns the handler of BenchmarkWebhook's bot: a GREEN-API client
// whose sends Transport answers, a bot with opts, Recover and Logger
// around h on OnText, behind echo at /webhook/greenapi.
func Bot(b testing.TB, h cardbot.HandlerFunc, opts ...cardbot.Option) http.Handler {
	b.Helper()
	quiet := slog.New(slog.DiscardHandler)
	var sends atomic.Int64
	client, err := greenapi.New(greenapi.Config{
		APIURL: "http://greenapi.invalid", IDInstance: "1101000001", APITokenInstance: "api-token",
		WebhookToken: Token, HTTPClient: &http.Client{Transport: Transport{&sends}}, Logger: quiet,
	})
	if err != nil {
		b.Fatal(err)
	}
	bot := cardbot.New(append([]cardbot.Option{cardbot.WithLogger(quiet), cardbot.WithProviders(client)}, opts...)...)
	bot.Use(middleware.Recover(), middleware.LoggerWithConfig(middleware.LoggerConfig{Logger: quiet}))
	bot.Handle(cardbot.OnText, h)
	e := echo.New()
	if _, err := webhook.Mount(e, "/webhook/greenapi", bot, client, webhook.Config{}); err != nil {
		b.Fatal(err)
	}
	return e
}

// Reply answers a text with itself.
func Reply(c *cardbot.Context) error { return c.Send(c.Text()) }
