package greenapi_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/cardbottest"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
)

const vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smit;Anna;;;\r\nFN:Anna Smit\r\nTEL;TYPE=CELL:+7 900 123-45-67\r\nEND:VCARD\r\n"

func TestDownload(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)

	t.Run("by URL", func(t *testing.T) {
		u := srv.AddFile("anna.vcf", "text/x-vcard", []byte(vcf))
		rc, err := c.Download(t.Context(), cardbot.Document{URL: u, FileName: "anna.vcf"})
		require.NoError(t, err)
		defer rc.Close()
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, vcf, string(got))
	})

	t.Run("by downloadFile", func(t *testing.T) {
		srv.Reset()
		srv.AddMessageFile("79001234568@c.us", "MSG1", "anna.vcf", "text/vcard", []byte(vcf))
		rc, err := c.Download(t.Context(), cardbot.Document{ID: "79001234568@c.us/MSG1"})
		require.NoError(t, err)
		defer rc.Close()
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, vcf, string(got))
		calls := srv.Calls()
		require.Len(t, calls, 2)
		assert.Equal(t, "downloadFile", calls[0].Method)
		assert.JSONEq(t, `{"chatId":"79001234568@c.us","idMessage":"MSG1"}`, string(calls[0].Body))
		assert.Equal(t, "file", calls[1].Method)
	})

	t.Run("404", func(t *testing.T) {
		_, err := c.Download(t.Context(), cardbot.Document{URL: srv.URL + "/files/nope/x.vcf"})
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 404, ae.StatusCode)
		assert.Equal(t, "download", ae.Method)
		assert.False(t, ae.Retryable())
	})

	t.Run("downloadFile of a message without a file", func(t *testing.T) {
		_, err := c.Download(t.Context(), cardbot.Document{ID: "79001234568@c.us/NOFILE"})
		require.ErrorIs(t, err, greenapi.ErrValidation)
	})

	t.Run("neither URL nor id", func(t *testing.T) {
		srv.Reset()
		_, err := c.Download(t.Context(), cardbot.Document{FileName: "x.vcf"})
		require.ErrorIs(t, err, greenapi.ErrValidation)
		assert.Empty(t, srv.Calls())
	})

	t.Run("not an http URL", func(t *testing.T) {
		_, err := c.Download(t.Context(), cardbot.Document{URL: "file:///etc/passwd"})
		require.ErrorIs(t, err, greenapi.ErrValidation)
	})

	t.Run("5xx retried", func(t *testing.T) {
		u := srv.AddMessageFile("79001234568@c.us", "MSG2", "a.vcf", "text/vcard", []byte(vcf))
		srv.FailNext(1, 502, 0)
		rc, err := c.Download(t.Context(), cardbot.Document{ID: "79001234568@c.us/MSG2"})
		require.NoError(t, err)
		rc.Close()
		assert.NotEmpty(t, u)
	})

	t.Run("downloadFile answers no URL", func(t *testing.T) {
		srv.Reset()
		srv.AddMessageFile("79001234568@c.us", "MSG3", "a.vcf", "text/vcard", []byte(vcf))
		srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: `{"downloadUrl":""}`})
		rc, err := c.Download(t.Context(), cardbot.Document{ID: "79001234568@c.us/MSG3"})
		require.Error(t, err)
		assert.Nil(t, rc)
		var ae *greenapi.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "downloadFile", ae.Method)
		assert.Equal(t, "no downloadUrl in the response", ae.Message)
		assert.Equal(t, []string{"downloadFile"}, methods(srv), "nothing fetched")
	})
}

func TestContactsOfVCardDocument(t *testing.T) {
	// The whole way of a .vcf upload: webhook → Document → Context.Contacts
	// downloads it through the client → cards.
	srv := newServer(t)
	c := newClient(t, srv)
	body := srv.IncomingDocument(greenapitest.Incoming{ChatID: "79001234568@c.us"}, "anna.vcf", "text/x-vcard", []byte(vcf))
	ups, err := c.DecodeWebhook(body)
	require.NoError(t, err)
	require.True(t, ups[0].Message.Document.IsVCard())

	for _, viaID := range []bool{false, true} {
		u := ups[0]
		doc := *u.Message.Document
		if viaID {
			doc.URL = ""
		}
		msg := *u.Message
		msg.Document = &doc
		u.Message = &msg
		cards, err := cardbottest.NewContext(t, c, u).Contacts()
		require.NoError(t, err)
		require.Len(t, cards, 1)
		ph, ok := cards[0].PrimaryPhone()
		require.True(t, ok)
		assert.Equal(t, "79001234567", ph.Number)
	}
}

// TestDownloadHostNotFound: a download URL whose host does not exist
// fails at once, and is not retryable: no redelivery will find it.
func TestDownloadHostNotFound(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	r := &apitest.Resolver{}
	greenapi.SetDownloadResolver(c, r)
	_, err := c.Download(t.Context(), cardbot.Document{URL: "http://nxdomain.example.test/x.vcf"})
	require.Error(t, err)
	assert.False(t, cardbot.IsRetryable(err), "%v", err)
	assert.NotErrorIs(t, err, greenapi.ErrTransient)
	assert.Equal(t, 1, r.Lookups("nxdomain.example.test"), "not retried")
}

// publicAPI resolves the default API host to a public address
// (TEST-NET-3), and a file host to loopback.
var publicAPI = &apitest.Resolver{Hosts: map[string]string{"api.green-api.com": "203.0.113.10", "files.example.test": "127.0.0.1"}}

// TestDownloadPublicAPI: a client of the public API refuses, before any
// connection, a download URL that is not http or reaches into the bot's
// network; one whose API is on loopback may download from loopback. (The
// contract tests the redirects.)
func TestDownloadPublicAPI(t *testing.T) {
	srv := newServer(t)
	var conns atomic.Int32
	files := httptest.NewUnstartedServer(http.NotFoundHandler())
	files.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	files.Start()
	t.Cleanup(files.Close)
	public := newClient(t, srv, func(cfg *greenapi.Config) { cfg.APIURL = "https://api.green-api.com" })
	greenapi.SetDownloadResolver(public, publicAPI)

	for _, tt := range []struct{ name, url string }{
		{"not http", "file:///etc/passwd"},
		{"gopher", "gopher://127.0.0.1:70/"},
		{"loopback IP", files.URL + "/x.vcf"},
		{"name resolving to loopback", strings.Replace(files.URL, "127.0.0.1", "files.example.test", 1) + "/x.vcf"},
		{"a private address", "http://192.168.0.1/x.vcf"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := public.Download(t.Context(), cardbot.Document{URL: tt.url, FileName: "x.vcf"})
			require.ErrorIs(t, err, cardbot.ErrUnsafeURL)
			assert.False(t, cardbot.IsRetryable(err), "a redelivery cannot help: %v", err)
			assert.NotErrorIs(t, err, greenapi.ErrTransient)
			assert.NotContains(t, err.Error(), srv.Token)
			assert.Zero(t, conns.Load(), "refused before any connection")
		})
	}

	t.Run("loopback allowed when the API is on loopback", func(t *testing.T) {
		u := srv.AddFile("anna.vcf", "text/vcard", []byte(vcf))
		rc, err := newClient(t, srv).Download(t.Context(), cardbot.Document{URL: u})
		require.NoError(t, err)
		defer rc.Close()
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, vcf, string(got))
	})
}
