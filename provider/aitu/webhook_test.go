package aitu_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/provider/aitu"
)

func TestWebhookHelpers(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	got, err := c.GetWebhook(t.Context())
	require.NoError(t, err)
	assert.Empty(t, got)

	const hook = "https://bot.example.com/webhook/aitu/s3cr3t"
	require.NoError(t, c.SetWebhook(t.Context(), hook))
	got, err = c.GetWebhook(t.Context())
	require.NoError(t, err)
	assert.Equal(t, hook, got)
	assert.Equal(t, hook, srv.Webhook())

	require.NoError(t, c.DeleteWebhook(t.Context()))
	got, err = c.GetWebhook(t.Context())
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, []string{"GET webhook/", "POST webhook/", "GET webhook/", "DELETE webhook/", "GET webhook/"}, paths(srv))
}

func TestSetWebhookRefusesBeforeAnyRequest(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	for _, u := range []string{
		"http://bot.example.com/hook",
		"ftp://bot.example.com/hook",
		"https:///nohost",
		"https://bot.example.com/" + strings.Repeat("a", 200),
		"https://bot.example.com/%zz",
	} {
		err := c.SetWebhook(t.Context(), u)
		require.ErrorIs(t, err, aitu.ErrValidation, u)
		assert.NotContains(t, err.Error(), "bot.example.com", "the URL, secret and all, is not quoted")
	}
	assert.Empty(t, srv.Calls())
	require.NoError(t, c.SetWebhook(t.Context(), "http://127.0.0.1:8080/hook"), "http on loopback, for tests")
}

func TestVerifyWebhookAcceptsAll(t *testing.T) {
	c := decoder(t)
	require.NoError(t, c.VerifyWebhook(httptest.NewRequest(http.MethodPost, "/webhook/aitu/x", nil)))
}

func TestNewWebhookSecret(t *testing.T) {
	a, err := aitu.NewWebhookSecret()
	require.NoError(t, err)
	b, err := aitu.NewWebhookSecret()
	require.NoError(t, err)
	assert.Len(t, a, 43)
	assert.NotEqual(t, a, b)
	assert.Equal(t, -1, strings.IndexAny(a, "/+=?#%"), "path-safe")
}

func TestDownload(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Aigerim\r\nTEL:+77011234567\r\nEND:VCARD\r\n"
	body := srv.IncomingDocument(aitutestIncoming(), "contacts.vcf", "text/x-vcard", []byte(vcf))
	ups, err := c.DecodeWebhook(batch(body))
	require.NoError(t, err)
	doc := ups[0].Message.Document
	require.NotNil(t, doc)
	assert.Equal(t, "contacts.vcf", doc.FileName)
	assert.Equal(t, int64(len(vcf)), doc.Size)

	rc, err := c.Download(t.Context(), *doc)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Equal(t, vcf, string(data))
	calls := srv.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "download/", calls[0].Path)
	assert.Equal(t, doc.ID, calls[0].Query.Get("fileId"))

	_, err = c.Download(t.Context(), cardbot.Document{ID: "f0000000-0000-4000-8000-000000000000"})
	require.ErrorIs(t, err, aitu.ErrNotFound)
	_, err = c.Download(t.Context(), cardbot.Document{})
	require.ErrorIs(t, err, aitu.ErrValidation)

	// Through a bot: OnContact reads the .vcf upload.
	srv.FailNext(1, 502, 0)
	b := cardbot.New(cardbot.WithProviders(c))
	var names []string
	b.Handle(cardbot.OnContact, func(ctx *cardbot.Context) error {
		cards, err := ctx.Contacts()
		for _, card := range cards {
			names = append(names, card.FormattedName)
		}
		return err
	})
	require.NoError(t, b.Dispatch(t.Context(), c, ups[0]))
	assert.Equal(t, []string{"Aigerim"}, names)
}
