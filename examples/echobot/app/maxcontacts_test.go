package app

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

// With MAX_* set, a card found in the instance's contact base is shared by
// its account; one that is not there goes back as a .vcf file.
func TestConfiguredMAXContacts(t *testing.T) {
	fake := greenapitest.NewServer(greenapitest.WithMAX(), greenapitest.WithWebhookToken("max-hook"))
	t.Cleanup(fake.Close)
	fake.AddMAXContact("79001234569", "20001234", "Виктор")
	base := start(t, map[string]string{
		"MAX_API_URL":            fake.URL,
		"MAX_ID_INSTANCE":        fake.IDInstance,
		"MAX_API_TOKEN_INSTANCE": fake.Token,
		"MAX_WEBHOOK_TOKEN":      "max-hook",
	})
	hook := base + "/webhook/max"
	user := greenapitest.Incoming{ChatID: "10000000", SenderName: "Ivan", SenderPhone: "79991112233"}

	_, err := fake.Push(context.Background(), hook, fake.IncomingContact(user, "Виктор", "BEGIN:VCARD\nVERSION:3.0\nFN:Виктор\nTEL:+7 900 123-45-69\nEND:VCARD"))
	require.NoError(t, err)
	_, err = fake.Push(context.Background(), hook, fake.IncomingContact(user, "Bob", "BEGIN:VCARD\nVERSION:3.0\nFN:Bob Ray\nTEL:+44 20 7946 0958\nEND:VCARD"))
	require.NoError(t, err)

	sent := fake.SentMessages()
	require.Len(t, sent, 2)
	require.NotNil(t, sent[0].Contact)
	assert.Equal(t, "20001234", sent[0].Contact.ChatID)
	require.NotNil(t, sent[1].File, "not in the contact base: sent as a file")
	assert.Equal(t, "Bob Ray.vcf", sent[1].File.Name)
	assert.True(t, strings.Contains(string(sent[1].File.Data), "+442079460958"), string(sent[1].File.Data))
}
