package greenapi_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cardbot/cardbot"
	"github.com/cardbot/cardbot/contactcard"
	"github.com/cardbot/cardbot/internal/apitest"
	"github.com/cardbot/cardbot/provider/greenapi"
	"github.com/cardbot/cardbot/provider/greenapi/greenapitest"
	"github.com/cardbot/cardbot/provider/providertest"
)

// exportCards are two contacts to send as one .vcf.
func exportCards(t *testing.T) []contactcard.Card {
	t.Helper()
	cards, err := contactcard.Parse(strings.NewReader("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Петров;Иван\r\nTEL;CELL:8 900 123-45-67\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tan Wei\r\nORG:Acme\\, Inc.\r\nTEL:+65 6123 4567\r\nTEL:+7 701 765 43 21\r\nEND:VCARD\r\n"))
	require.NoError(t, err)
	require.Len(t, cards, 2)
	return cards
}

// TestSendFile: a file goes out with sendFileByUpload on WhatsApp and MAX,
// and the fake receives its name, type, bytes, caption and chat.
func TestSendFile(t *testing.T) {
	pdf := cardbot.File{Name: "report.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7\n…"), Caption: "the report"}
	tests := []struct {
		name     string
		max      bool
		chat     string
		file     cardbot.File
		wantChat string
		wantType string
	}{
		{"WhatsApp", false, "79001234567@c.us", pdf, "79001234567@c.us", "application/pdf"},
		{"WhatsApp, a phone number, a quote, the type by extension", false, "+7 900 123-45-67", cardbot.File{Name: "scan.pdf", Data: []byte("%PDF"), ReplyTo: "BAE5F4886AC5A8E0"}, "79001234567@c.us", "application/pdf"},
		{"WhatsApp, a Cyrillic name", false, "79001234567@c.us", cardbot.File{Name: "Отчёт «март».txt", ContentType: "text/plain", Data: []byte("x")}, "79001234567@c.us", "text/plain"},
		{"WhatsApp, quotes in the name", false, "79001234567@c.us", cardbot.File{Name: `say "hi"; ok.txt`, ContentType: "text/plain", Data: []byte("x")}, "79001234567@c.us", "text/plain"},
		{"MAX", true, "10000000", pdf, "10000000", "application/pdf"},
		{"MAX group", true, "-10000000000000", pdf, "-10000000000000", "application/pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []greenapitest.Option
			if tt.max {
				opts = append(opts, greenapitest.WithMAX())
			}
			srv := newServer(t, opts...)
			c := newClient(t, srv)
			sent, err := c.Send(t.Context(), tt.chat, tt.file)
			require.NoError(t, err)

			got := srv.SentFiles()
			require.Len(t, got, 1)
			m := got[0]
			assert.Equal(t, m.ID, sent.ID)
			assert.Contains(t, string(sent.Raw), m.File.URL, "urlFile is in the raw answer")
			assert.Equal(t, "sendFileByUpload", m.Method)
			assert.Equal(t, tt.wantChat, m.ChatID)
			assert.Equal(t, tt.file.ReplyTo, m.QuotedMessageID)
			assert.Equal(t, tt.file.Name, m.File.Name)
			assert.Equal(t, tt.wantType, m.File.ContentType)
			assert.Equal(t, tt.file.Data, m.File.Data)
			assert.Equal(t, tt.file.Caption, m.File.Caption)
			assert.Equal(t, []string{"sendFileByUpload"}, methods(srv))
		})
	}
}

// TestSendVCardFile: two cards sent as one .vcf reach WhatsApp and MAX as
// a text/vcard file that parses back to the same contacts.
func TestSendVCardFile(t *testing.T) {
	cards := exportCards(t)
	for _, max := range []bool{false, true} {
		t.Run(map[bool]string{false: "WhatsApp", true: "MAX"}[max], func(t *testing.T) {
			opts, chat := []greenapitest.Option{}, "79001234567@c.us"
			if max {
				opts, chat = append(opts, greenapitest.WithMAX()), "10000000"
			}
			srv := newServer(t, opts...)
			c := newClient(t, srv)
			b := cardbot.New(cardbot.WithProviders(c))
			f, err := cardbot.VCardFile("contacts", cards)
			require.NoError(t, err)
			_, err = b.Send(t.Context(), c.Name(), chat, f)
			require.NoError(t, err)

			got := srv.SentFiles()
			require.Len(t, got, 1)
			assert.Equal(t, "contacts.vcf", got[0].File.Name)
			assert.Equal(t, "text/vcard", got[0].File.ContentType)
			back, err := contactcard.Parse(bytes.NewReader(got[0].File.Data))
			require.NoError(t, err)
			require.Len(t, back, 2)
			for i := range cards {
				assert.Equal(t, cards[i].FormattedName, back[i].FormattedName)
				assert.Equal(t, cards[i].Company, back[i].Company)
				require.Len(t, back[i].Phones, len(cards[i].Phones))
				for j := range cards[i].Phones {
					assert.Equal(t, cards[i].Phones[j].Number, back[i].Phones[j].Number)
				}
			}
		})
	}
}

// refusedFiles are the files and chats that GREEN-API refuses before any
// request, besides those every provider refuses (see TestContract).
var refusedFiles = []providertest.Refusal{
	{Name: "over GREEN-API's 100 MB", File: cardbot.File{Name: "big.bin", Data: make([]byte, greenapi.MaxFileSize+1)}, Want: cardbot.ErrFileTooLarge},
	{Name: "no extension", File: cardbot.File{Name: "notes", Data: []byte("x")}, Want: cardbot.ErrFileName},
	{Name: "a dot and no extension", File: cardbot.File{Name: "notes.", Data: []byte("x")}, Want: cardbot.ErrFileName},
	{Name: "a content type without a subtype", File: cardbot.File{Name: "a.txt", ContentType: "text", Data: []byte("x")}, Want: cardbot.ErrContentType},
	{Name: "a caption too long", File: cardbot.File{Name: "a.txt", Data: []byte("x"), Caption: strings.Repeat("я", 20001)}, Want: greenapi.ErrValidation},
	{Name: "a bad chat id", Chat: "someone", File: cardbot.File{Name: "a.txt", Data: []byte("hello")}, Want: greenapi.ErrValidation},
}

// TestSendFileRefusedMAX: a caption over MAX's 4 000 characters is
// refused before any request.
func TestSendFileRefusedMAX(t *testing.T) {
	srv := newServer(t, greenapitest.WithMAX())
	c := newClient(t, srv)
	_, err := c.Send(t.Context(), "10000000", cardbot.File{Name: "a.txt", Data: []byte("x"), Caption: strings.Repeat("a", 4001)})
	require.ErrorIs(t, err, greenapi.ErrValidation)
	assert.Empty(t, srv.Calls())
}

// TestSendFileAPIErrors: GREEN-API's failures of an upload are typed like
// those of the other sends, an upload that may have reached it is not
// sent again, and no error holds the token.
func TestSendFileAPIErrors(t *testing.T) {
	f := cardbot.File{Name: "a.txt", Data: []byte("hello")}
	tests := []struct {
		name      string
		fail      greenapitest.Failure
		times     int
		want      error
		retryable bool
		calls     int
	}{
		{"466 quota", greenapitest.Failure{Status: 466}, 1, greenapi.ErrQuota, false, 1},
		{"500 is not sent twice", greenapitest.Failure{Status: 500}, 9, greenapi.ErrTransient, true, 1},
		{"502 is not sent twice", greenapitest.Failure{Status: 502}, 9, greenapi.ErrTransient, true, 1},
		{"200 with a 401 body", greenapitest.Failure{Status: 200, Body: `{"code":401,"description":"Unauthorized"}`}, 1, greenapi.ErrUnauthorized, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			srv.FailNextWith(tt.times, tt.fail)
			_, err := c.Send(t.Context(), "79001234567@c.us", f)
			assert.Len(t, srv.Calls(), tt.calls)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Len(t, srv.SentFiles(), 1)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.retryable, cardbot.IsRetryable(err))
			assert.Contains(t, err.Error(), "sendFileByUpload")
			assert.NotContains(t, err.Error(), srv.Token)
			assert.Empty(t, srv.SentFiles())
		})
	}
}

// TestSendFileBadAnswers: a 2xx answer that is not sendFileByUpload's
// fails with an *APIError that quotes it without the token.
func TestSendFileBadAnswers(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"JSON of the wrong shape", `["idMessage"]`},
		{"no idMessage", `{"urlFile":"https://x/y.txt"}`},
		{"the token echoed", `{"oops":"TOKEN"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := newClient(t, srv)
			srv.FailNextWith(1, greenapitest.Failure{Status: 200, Body: strings.ReplaceAll(tt.body, "TOKEN", srv.Token), ContentType: "application/json"})
			_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.File{Name: "a.txt", Data: []byte("x")})
			var ae *greenapi.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "sendFileByUpload", ae.Method)
			assert.Contains(t, ae.Message, "unexpected response")
			assert.False(t, cardbot.IsRetryable(err))
			assert.NotContains(t, err.Error(), srv.Token)
			assert.Len(t, srv.Calls(), 1)
		})
	}
}

// TestSendFileOverTheServersCap: a file the API refuses as too large
// (here a fake with a smaller cap than the client's) fails once, not
// retryable.
func TestSendFileOverTheServersCap(t *testing.T) {
	srv := newServer(t, greenapitest.WithMaxFileSize(8))
	c := newClient(t, srv)
	_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.File{Name: "a.bin", Data: make([]byte, 9)})
	var ae *greenapi.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusRequestEntityTooLarge, ae.StatusCode)
	assert.False(t, cardbot.IsRetryable(err))
	assert.Len(t, srv.Calls(), 1)
}

// TestSendFileAtMostOnce: an upload whose request reached a server that
// then hung is not sent again.
func TestSendFileAtMostOnce(t *testing.T) {
	for _, mode := range []apitest.Mode{apitest.Hang, apitest.Cut} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := apitest.NewMisbehaving(t, mode)
			c := onceClient(t, srv.URL, &http.Client{Timeout: 150 * time.Millisecond}, false)
			_, err := c.Send(t.Context(), "79001234567@c.us", cardbot.File{Name: "a.txt", Data: []byte("x")})
			require.ErrorIs(t, err, greenapi.ErrTransient)
			assert.NotContains(t, err.Error(), onceToken)
			assert.Equal(t, 1, srv.Requests())
		})
	}
}

// TestMediaURL: uploads go to Config.MediaURL, with MAX's "/v3" added
// unless it is there; other calls stay on APIURL.
func TestMediaURL(t *testing.T) {
	tests := []struct {
		name  string
		max   bool
		media func(srv *greenapitest.Server) string
	}{
		{"WhatsApp", false, func(srv *greenapitest.Server) string { return srv.URL }},
		{"MAX without /v3", true, func(srv *greenapitest.Server) string { return srv.URL }},
		{"MAX with /v3/", true, func(srv *greenapitest.Server) string { return srv.URL + "/v3/" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []greenapitest.Option
			chat := "79001234567@c.us"
			if tt.max {
				opts, chat = append(opts, greenapitest.WithMAX()), "10000000"
			}
			srv := newServer(t, opts...)
			c := newClient(t, srv, func(cfg *greenapi.Config) {
				cfg.APIURL = apitest.RefusedURL(t) // nothing else is reached
				cfg.MediaURL = tt.media(srv)
			})
			_, err := c.Send(t.Context(), chat, cardbot.File{Name: "a.txt", Data: []byte("x")})
			require.NoError(t, err)
			assert.Len(t, srv.SentFiles(), 1)
		})
	}
	t.Run("not a URL", func(t *testing.T) {
		_, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "token-123456", MediaURL: "ftp://media"})
		require.ErrorContains(t, err, "Config.MediaURL")
	})
	t.Run("MaxFileSize over GREEN-API's", func(t *testing.T) {
		_, err := greenapi.New(greenapi.Config{IDInstance: "1101000001", APITokenInstance: "token-123456", MaxFileSize: greenapi.MaxFileSize + 1})
		require.ErrorContains(t, err, "Config.MaxFileSize")
	})
}

// onceToken is the API token of onceClient, which no error may show.
const onceToken = "0f1e2d3c4b5a69788796a5b4c3d2e1f0aabbccddeeff0011"

// onceClient is a client of apiURL with quick retries, sends retried only
// when retrySends says so.
func onceClient(t *testing.T, apiURL string, hc *http.Client, retrySends bool) *greenapi.Client {
	t.Helper()
	c, err := greenapi.New(greenapi.Config{
		APIURL: apiURL, IDInstance: "1101000001", APITokenInstance: onceToken,
		HTTPClient: hc, MaxRetries: 3, RetrySends: retrySends,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	return c
}
