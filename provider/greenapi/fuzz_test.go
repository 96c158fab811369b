package greenapi_test

import (
	"testing"

	"github.com/cardbot/cardbot/provider/providertest"
)

// FuzzDecodeWebhook checks that no body makes DecodeWebhook panic, and that
// it returns either an error that wraps cardbot.ErrMalformedUpdate (or
// cardbot.ErrMisrouted) or one
// or more updates, each with its Raw JSON, a Message on every KindMessage
// and a Status on every KindStatus.
func FuzzDecodeWebhook(f *testing.F) {
	// Each seed is decoded by a client of its own instance, so that the
	// fuzzer explores past the instance check; a changed idInstance or
	// typeInstance is refused with cardbot.ErrMisrouted.
	c := newFixtureDecoder(f)
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
