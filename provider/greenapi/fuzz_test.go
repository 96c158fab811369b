package greenapi_test

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// FuzzDecodeWebhook checks that no body makes DecodeWebhook panic, and that
// it returns either an error that wraps cardbot.ErrMalformedUpdate or one
// or more updates, each with its Raw JSON, and a Message on every
// KindMessage.
func FuzzDecodeWebhook(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"typeWebhook":""}`, `{"typeWebhook":7}`,
		`{"typeWebhook":"incomingMessageReceived"}`,
		`{"typeWebhook":"incomingMessageReceived","senderData":{"chatId":"1@c.us"},"messageData":{"typeMessage":"documentMessage"},"idMessage":"X"}`,
		`{"typeWebhook":"incomingMessageReceived","senderData":{"chatId":"1@c.us"},"messageData":{"typeMessage":"contactsArrayMessage","messageData":{"contacts":[{}]}},"idMessage":"X"}`,
		`{"typeWebhook":"outgoingMessageStatus","idMessage":"X","status":"read","timestamp":-1}`,
		`{"typeWebhook":"somethingNew","senderData":null,"timestamp":1e300}`,
	} {
		f.Add([]byte(s))
	}
	c, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "fuzz-token-0123456789", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ups, err := c.DecodeWebhook(body)
		if err != nil {
			if !errors.Is(err, cardbot.ErrMalformedUpdate) {
				t.Fatalf("error does not wrap ErrMalformedUpdate: %v", err)
			}
			if ups != nil {
				t.Fatalf("updates and an error: %v", err)
			}
			return
		}
		if len(ups) == 0 {
			t.Fatal("no updates and no error")
		}
		for i, u := range ups {
			if len(u.Raw) == 0 {
				t.Fatalf("update %d has no Raw", i)
			}
			if u.Kind == cardbot.KindMessage && u.Message == nil {
				t.Fatalf("update %d is a message without a Message", i)
			}
			if u.Kind == cardbot.KindStatus && u.Status == nil {
				t.Fatalf("update %d is a status without a Status", i)
			}
		}
	})
}
