package greenapi_test

import (
	"log/slog"
	"testing"

	"github.com/cardbot/cardbot/internal/providertest"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// FuzzDecodeWebhook checks that no body makes DecodeWebhook panic, and that
// it returns either an error that wraps cardbot.ErrMalformedUpdate or one
// or more updates, each with its Raw JSON, a Message on every KindMessage
// and a Status on every KindStatus.
func FuzzDecodeWebhook(f *testing.F) {
	c, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "fuzz-token-0123456789", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	atLeastOne := func(*testing.T, []byte) int { return providertest.AtLeastOne }
	providertest.FuzzDecode(f, c.DecodeWebhook, atLeastOne,
		``, `{}`, `[]`, `null`, `{"typeWebhook":""}`, `{"typeWebhook":7}`,
		`{"typeWebhook":"incomingMessageReceived"}`,
		`{"typeWebhook":"incomingMessageReceived","senderData":{"chatId":"1@c.us"},"messageData":{"typeMessage":"documentMessage"},"idMessage":"X"}`,
		`{"typeWebhook":"incomingMessageReceived","senderData":{"chatId":"1@c.us"},"messageData":{"typeMessage":"contactsArrayMessage","messageData":{"contacts":[{}]}},"idMessage":"X"}`,
		`{"typeWebhook":"outgoingMessageStatus","idMessage":"X","status":"read","timestamp":-1}`,
		`{"typeWebhook":"somethingNew","senderData":null,"timestamp":1e300}`,
	)
}
