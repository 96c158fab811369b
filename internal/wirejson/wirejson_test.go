package wirejson_test

import (
	stdjson "encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/internal/wirejson"
)

type message struct {
	ChatID string `json:"chatId"`
	Text   string `json:"text"`
	Count  int    `json:"count"`
	Inner  *struct {
		Name string `json:"name"`
	} `json:"inner"`
}

// TestUnmarshalReadsAsEncodingJSON checks that Unmarshal is as lenient as
// encoding/json on what providers really send, and agrees with it.
func TestUnmarshalReadsAsEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		body string
		want message
	}{
		{"exact names", `{"chatId":"1@c.us","text":"hi","count":2}`, message{ChatID: "1@c.us", Text: "hi", Count: 2}},
		{"names in another case", `{"ChatId":"1@c.us","TEXT":"hi"}`, message{ChatID: "1@c.us", Text: "hi"}},
		{"a repeated name keeps the last", `{"text":"a","text":"b"}`, message{Text: "b"}},
		{"invalid UTF-8 becomes U+FFFD", "{\"text\":\"caf\xe9\"}", message{Text: "caf\uFFFD"}},
		{"unknown names are ignored", `{"text":"hi","new":{"x":[1,2]}}`, message{Text: "hi"}},
		{"null leaves the zero value", `{"text":null,"inner":null}`, message{}},
		{"escapes", `{"text":"\u041f\u0440\u0438\n\"q\""}`, message{Text: "При\n\"q\""}},
		{"whitespace around", " \r\n\t{\"text\":\"hi\"} \n", message{Text: "hi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got message
			require.NoError(t, wirejson.Unmarshal([]byte(tt.body), &got))
			assert.Equal(t, tt.want, got)

			var std message
			require.NoError(t, stdjson.Unmarshal([]byte(tt.body), &std))
			assert.Equal(t, std, got, "encoding/json reads it otherwise")
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	tests := []struct{ name, body string }{
		{"empty", ``},
		{"not JSON", `hello`},
		{"truncated", `{"text":"hi"`},
		{"trailing garbage", `{"text":"hi"} x`},
		{"wrong type", `{"text":7}`},
		{"two values", `{} {}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got message
			assert.Error(t, wirejson.Unmarshal([]byte(tt.body), &got))
			var std message
			assert.Error(t, stdjson.Unmarshal([]byte(tt.body), &std), "encoding/json accepts it")
		})
	}
}

// BenchmarkUnmarshal compares Unmarshal with encoding/json on a GREEN-API
// text webhook.
func BenchmarkUnmarshal(b *testing.B) {
	body := []byte(`{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"79001234567@c.us","typeInstance":"whatsapp"},` +
		`"timestamp":1588091580,"idMessage":"F7AEC1B7086ECDC7E6E45923F5EDB825",` +
		`"senderData":{"chatId":"79001234568@c.us","chatName":"Green API","sender":"79001234568@c.us","senderName":"Green API","senderContactName":""},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"I use Green-API to send this message to you!"}}}`)
	type envelope struct {
		TypeWebhook string `json:"typeWebhook"`
		Timestamp   int64  `json:"timestamp"`
		IDMessage   string `json:"idMessage"`
		SenderData  struct {
			ChatID, Sender, SenderName string
		} `json:"senderData"`
		MessageData struct {
			TypeMessage     string `json:"typeMessage"`
			TextMessageData struct {
				TextMessage string `json:"textMessage"`
			} `json:"textMessageData"`
		} `json:"messageData"`
	}
	for _, bench := range []struct {
		name      string
		unmarshal func([]byte, any) error
	}{{"wirejson", wirejson.Unmarshal}, {"encoding_json", stdjson.Unmarshal}} {
		b.Run(bench.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var e envelope
				if err := bench.unmarshal(body, &e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
